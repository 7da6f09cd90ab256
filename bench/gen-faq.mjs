// Deterministic FAQ corpus for `make bench`: templated LMS help-centre entries in English and
// Spanish (accents included), like a large institution's knowledge base with one entry per tool,
// course, role and device. Same seed, same corpus, byte for byte: a seeded PRNG (mulberry32),
// no Math.random, no dates.
//
//   generateFaq({ count, seed, real }) -> FaqEntry[]   (feed shape: id, category, tags, question, answer)
//
// `real` entries (tests/fixtures/faq.json) are embedded at evenly spaced positions, so `count`
// is the total. About 8 % of generated entries have no Spanish translation (the search falls
// back to English), another 4 % have a Spanish question but an English-only answer.

/** mulberry32: a tiny 32-bit PRNG; deterministic across engines. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Objects learners ask about. es: [singular with article, plural with article, plural bare].
const OBJECTS = [
  { en: 'assignment', pl: 'assignments', es: ['la tarea', 'las tareas', 'tareas'], cat: 'assignments', tags: ['assignment', 'homework'] },
  { en: 'lab report', pl: 'lab reports', es: ['el informe de laboratorio', 'los informes de laboratorio', 'informes de laboratorio'], cat: 'assignments', tags: ['assignment', 'lab'] },
  { en: 'essay draft', pl: 'essay drafts', es: ['el borrador del ensayo', 'los borradores del ensayo', 'borradores'], cat: 'assignments', tags: ['essay', 'draft'] },
  { en: 'group project', pl: 'group projects', es: ['el proyecto en grupo', 'los proyectos en grupo', 'proyectos en grupo'], cat: 'groups', tags: ['groups', 'project'] },
  { en: 'peer review', pl: 'peer reviews', es: ['la evaluación entre pares', 'las evaluaciones entre pares', 'evaluaciones entre pares'], cat: 'assignments', tags: ['peer review', 'feedback'] },
  { en: 'rubric', pl: 'rubrics', es: ['la rúbrica', 'las rúbricas', 'rúbricas'], cat: 'grades', tags: ['rubric', 'grading'] },
  { en: 'gradebook', pl: 'gradebooks', es: ['el libro de calificaciones', 'los libros de calificaciones', 'libros de calificaciones'], cat: 'grades', tags: ['grades', 'gradebook'] },
  { en: 'grade column', pl: 'grade columns', es: ['la columna de notas', 'las columnas de notas', 'columnas de notas'], cat: 'grades', tags: ['grades', 'column'] },
  { en: 'weighted category', pl: 'weighted categories', es: ['la categoría ponderada', 'las categorías ponderadas', 'categorías ponderadas'], cat: 'grades', tags: ['grades', 'weighting'] },
  { en: 'quiz', pl: 'quizzes', es: ['el cuestionario', 'los cuestionarios', 'cuestionarios'], cat: 'quizzes', tags: ['quiz', 'test'] },
  { en: 'question bank', pl: 'question banks', es: ['el banco de preguntas', 'los bancos de preguntas', 'bancos de preguntas'], cat: 'quizzes', tags: ['quiz', 'questions'] },
  { en: 'practice exam', pl: 'practice exams', es: ['el examen de práctica', 'los exámenes de práctica', 'exámenes de práctica'], cat: 'quizzes', tags: ['exam', 'practice'] },
  { en: 'proctored exam', pl: 'proctored exams', es: ['el examen supervisado', 'los exámenes supervisados', 'exámenes supervisados'], cat: 'quizzes', tags: ['exam', 'proctoring'] },
  { en: 'discussion thread', pl: 'discussion threads', es: ['el hilo de debate', 'los hilos de debate', 'hilos de debate'], cat: 'forums', tags: ['forum', 'discussion'] },
  { en: 'forum post', pl: 'forum posts', es: ['la publicación del foro', 'las publicaciones del foro', 'publicaciones del foro'], cat: 'forums', tags: ['forum', 'post'] },
  { en: 'announcement', pl: 'announcements', es: ['el anuncio', 'los anuncios', 'anuncios'], cat: 'notifications', tags: ['announcements', 'news'] },
  { en: 'e-mail digest', pl: 'e-mail digests', es: ['el resumen por correo', 'los resúmenes por correo', 'resúmenes por correo'], cat: 'notifications', tags: ['email', 'digest'] },
  { en: 'push notification', pl: 'push notifications', es: ['la notificación push', 'las notificaciones push', 'notificaciones push'], cat: 'notifications', tags: ['notifications', 'mobile'] },
  { en: 'video lecture', pl: 'video lectures', es: ['la videoclase', 'las videoclases', 'videoclases'], cat: 'video', tags: ['video', 'lecture'] },
  { en: 'lecture recording', pl: 'lecture recordings', es: ['la grabación de la clase', 'las grabaciones de clase', 'grabaciones'], cat: 'video', tags: ['video', 'recording'] },
  { en: 'closed caption track', pl: 'closed caption tracks', es: ['la pista de subtítulos', 'las pistas de subtítulos', 'subtítulos'], cat: 'accessibility', tags: ['captions', 'video'] },
  { en: 'live session', pl: 'live sessions', es: ['la sesión en directo', 'las sesiones en directo', 'sesiones en directo'], cat: 'live-sessions', tags: ['live', 'webinar'] },
  { en: 'breakout room', pl: 'breakout rooms', es: ['la sala de grupos', 'las salas de grupos', 'salas de grupos'], cat: 'live-sessions', tags: ['live', 'groups'] },
  { en: 'course file', pl: 'course files', es: ['el archivo del curso', 'los archivos del curso', 'archivos'], cat: 'files', tags: ['files', 'upload'] },
  { en: 'PDF handout', pl: 'PDF handouts', es: ['el apunte en PDF', 'los apuntes en PDF', 'apuntes en PDF'], cat: 'files', tags: ['files', 'pdf'] },
  { en: 'shared folder', pl: 'shared folders', es: ['la carpeta compartida', 'las carpetas compartidas', 'carpetas compartidas'], cat: 'files', tags: ['files', 'sharing'] },
  { en: 'SCORM package', pl: 'SCORM packages', es: ['el paquete SCORM', 'los paquetes SCORM', 'paquetes SCORM'], cat: 'integrations', tags: ['scorm', 'content'] },
  { en: 'external tool link', pl: 'external tool links', es: ['el enlace a la herramienta externa', 'los enlaces a herramientas externas', 'herramientas externas'], cat: 'integrations', tags: ['lti', 'integration'] },
  { en: 'calendar feed', pl: 'calendar feeds', es: ['el calendario suscrito', 'los calendarios suscritos', 'calendarios'], cat: 'calendar', tags: ['calendar', 'ical'] },
  { en: 'due date', pl: 'due dates', es: ['la fecha de entrega', 'las fechas de entrega', 'fechas de entrega'], cat: 'calendar', tags: ['deadline', 'calendar'] },
  { en: 'course section', pl: 'course sections', es: ['la sección del curso', 'las secciones del curso', 'secciones'], cat: 'enrolment', tags: ['course', 'section'] },
  { en: 'enrolment key', pl: 'enrolment keys', es: ['la clave de matriculación', 'las claves de matriculación', 'claves de matriculación'], cat: 'enrolment', tags: ['enrolment', 'key'] },
  { en: 'waitlist request', pl: 'waitlist requests', es: ['la solicitud de lista de espera', 'las solicitudes de lista de espera', 'listas de espera'], cat: 'enrolment', tags: ['enrolment', 'waitlist'] },
  { en: 'completion certificate', pl: 'completion certificates', es: ['el certificado de finalización', 'los certificados de finalización', 'certificados'], cat: 'certificates', tags: ['certificate', 'completion'] },
  { en: 'digital badge', pl: 'digital badges', es: ['la insignia digital', 'las insignias digitales', 'insignias'], cat: 'certificates', tags: ['badge', 'achievement'] },
  { en: 'learning portfolio', pl: 'learning portfolios', es: ['el portafolio de aprendizaje', 'los portafolios de aprendizaje', 'portafolios'], cat: 'files', tags: ['portfolio', 'evidence'] },
  { en: 'attendance record', pl: 'attendance records', es: ['el registro de asistencia', 'los registros de asistencia', 'registros de asistencia'], cat: 'reports', tags: ['attendance', 'report'] },
  { en: 'progress report', pl: 'progress reports', es: ['el informe de progreso', 'los informes de progreso', 'informes de progreso'], cat: 'reports', tags: ['progress', 'report'] },
  { en: 'originality report', pl: 'originality reports', es: ['el informe de originalidad', 'los informes de originalidad', 'informes de originalidad'], cat: 'assignments', tags: ['plagiarism', 'similarity'] },
  { en: 'course survey', pl: 'course surveys', es: ['la encuesta del curso', 'las encuestas del curso', 'encuestas'], cat: 'reports', tags: ['survey', 'feedback'] },
  { en: 'private message', pl: 'private messages', es: ['el mensaje privado', 'los mensajes privados', 'mensajes privados'], cat: 'notifications', tags: ['messages', 'inbox'] },
  { en: 'syllabus', pl: 'syllabi', es: ['el programa de la asignatura', 'los programas de la asignatura', 'programas'], cat: 'enrolment', tags: ['syllabus', 'course'] },
  { en: 'glossary entry', pl: 'glossary entries', es: ['la entrada del glosario', 'las entradas del glosario', 'entradas del glosario'], cat: 'forums', tags: ['glossary', 'wiki'] },
  { en: 'wiki page', pl: 'wiki pages', es: ['la página wiki', 'las páginas wiki', 'páginas wiki'], cat: 'forums', tags: ['wiki', 'collaboration'] },
  { en: 'accommodation request', pl: 'accommodation requests', es: ['la solicitud de adaptación', 'las solicitudes de adaptación', 'adaptaciones'], cat: 'accessibility', tags: ['accessibility', 'extra time'] },
  { en: 'guest account', pl: 'guest accounts', es: ['la cuenta de invitado', 'las cuentas de invitado', 'cuentas de invitado'], cat: 'account', tags: ['account', 'guest'] },
  { en: 'notification preference', pl: 'notification preferences', es: ['la preferencia de notificaciones', 'las preferencias de notificaciones', 'preferencias'], cat: 'notifications', tags: ['settings', 'notifications'] },
  { en: 'offline download', pl: 'offline downloads', es: ['la descarga sin conexión', 'las descargas sin conexión', 'descargas sin conexión'], cat: 'mobile', tags: ['mobile', 'offline'] },
];

// Actions: en infinitive, es infinitive, the menu entry that does it (en, es).
const ACTIONS = [
  ['export', 'exportar', 'Export', 'Exportar'],
  ['import', 'importar', 'Import', 'Importar'],
  ['download', 'descargar', 'Download', 'Descargar'],
  ['upload', 'subir', 'Upload', 'Subir'],
  ['share', 'compartir', 'Share', 'Compartir'],
  ['delete', 'eliminar', 'Delete', 'Eliminar'],
  ['restore', 'restaurar', 'Restore', 'Restaurar'],
  ['duplicate', 'duplicar', 'Duplicate', 'Duplicar'],
  ['hide', 'ocultar', 'Hide', 'Ocultar'],
  ['schedule', 'programar', 'Schedule', 'Programar'],
  ['rename', 'renombrar', 'Rename', 'Renombrar'],
  ['archive', 'archivar', 'Archive', 'Archivar'],
  ['print', 'imprimir', 'Print', 'Imprimir'],
  ['reorder', 'reordenar', 'Reorder', 'Reordenar'],
  ['lock', 'bloquear', 'Lock', 'Bloquear'],
  ['unlock', 'desbloquear', 'Unlock', 'Desbloquear'],
  ['edit', 'editar', 'Edit', 'Editar'],
  ['preview', 'previsualizar', 'Preview', 'Vista previa'],
  ['embed', 'insertar', 'Embed', 'Insertar'],
  ['sync', 'sincronizar', 'Sync', 'Sincronizar'],
  ['translate', 'traducir', 'Translate', 'Traducir'],
  ['comment on', 'comentar', 'Comment', 'Comentar'],
  ['move', 'mover', 'Move', 'Mover'],
  ['copy', 'copiar', 'Copy', 'Copiar'],
];

const COURSES = [
  ['Biology 101', 'Biología 101'], ['Introduction to Statistics', 'Introducción a la Estadística'],
  ['Organic Chemistry II', 'Química Orgánica II'], ['World History', 'Historia Universal'],
  ['Calculus I', 'Cálculo I'], ['Macroeconomics', 'Macroeconomía'], ['Spanish for Beginners', 'Español para principiantes'],
  ['Academic Writing', 'Redacción Académica'], ['Data Structures', 'Estructuras de Datos'],
  ['Nursing Practice', 'Práctica de Enfermería'], ['Marketing Fundamentals', 'Fundamentos de Marketing'],
  ['Physics Lab', 'Laboratorio de Física'], ['Art History', 'Historia del Arte'], ['Public Health', 'Salud Pública'],
  ['Corporate Finance', 'Finanzas Corporativas'], ['Environmental Science', 'Ciencias Ambientales'],
  ['Music Theory', 'Teoría Musical'], ['Criminal Law', 'Derecho Penal'], ['Psychology 201', 'Psicología 201'],
  ['Machine Learning', 'Aprendizaje Automático'], ['Philosophy of Mind', 'Filosofía de la Mente'],
  ['Human Anatomy', 'Anatomía Humana'], ['Early Childhood Education', 'Educación Infantil'], ['Project Management', 'Gestión de Proyectos'],
];

const CONTEXTS = [
  ['on the iPad app', 'en la aplicación para iPad'], ['on my Android phone', 'en mi móvil Android'],
  ['from a Chromebook', 'desde un Chromebook'], ['on a shared library computer', 'en un ordenador compartido de la biblioteca'],
  ['as a teaching assistant', 'como profesor asistente'], ['as an instructor', 'como docente'],
  ['as a guest auditor', 'como oyente invitado'], ['as a parent observer', 'como observador (familia)'],
  ['during the summer term', 'durante el curso de verano'], ['after the course has ended', 'después de que termine el curso'],
  ['in a blended course', 'en un curso semipresencial'], ['in a self-paced course', 'en un curso a tu ritmo'],
  ['with a slow connection', 'con una conexión lenta'], ['in Safari', 'en Safari'], ['in Firefox', 'en Firefox'],
  ['with a screen reader', 'con un lector de pantalla'],
];

const EVENTS = [
  ['the course ends', 'termina el curso'], ['I drop the course', 'me doy de baja del curso'],
  ['the semester is archived', 'se archiva el semestre'], ['my instructor changes the due date', 'mi docente cambia la fecha de entrega'],
  ['my guest access expires', 'caduca mi acceso de invitado'], ['I switch to another section', 'me cambio a otra sección'],
  ['the course is copied to next year', 'el curso se copia al año siguiente'], ['the group is deleted', 'se elimina el grupo'],
];

const STATES = [
  ['not loading', 'no carga'], ['not showing up', 'no aparece'], ['not syncing', 'no se sincroniza'],
  ['not saving', 'no se guarda'], ['stuck on processing', 'se queda procesando'], ['showing an error', 'muestra un error'],
  ['missing after the update', 'desaparece tras la actualización'], ['opening blank', 'se abre en blanco'],
];

const MENUS = [
  ['Course tools', 'Herramientas del curso'], ['Activities', 'Actividades'], ['Course settings', 'Ajustes del curso'],
  ['Content', 'Contenido'], ['Grades', 'Calificaciones'], ['Participants', 'Participantes'], ['Reports', 'Informes'],
  ['My dashboard', 'Mi panel'], ['Communication', 'Comunicación'], ['Library resources', 'Recursos de la biblioteca'],
];

// Sentences an answer adds after its main step.
const EXTRAS = [
  ['Changes are saved automatically.', 'Los cambios se guardan automáticamente.'],
  ['If the option is greyed out, ask your instructor to enable it for the course.', 'Si la opción aparece en gris, pide a tu docente que la active para el curso.'],
  ['Large courses can take a few minutes; you will get a notification when it is done.', 'En cursos grandes puede tardar unos minutos; recibirás una notificación cuando termine.'],
  ['Only the current term is shown by default; use the term filter to see older courses.', 'Por defecto solo se muestra el periodo actual; usa el filtro de periodo para ver cursos anteriores.'],
  ['The mobile app shows the same option under the ⋯ menu.', 'La aplicación móvil muestra la misma opción en el menú ⋯.'],
  ['Files up to 500 MB are accepted; compress larger videos first.', 'Se aceptan archivos de hasta 500 MB; comprime antes los vídeos más grandes.'],
  ['Your institution may turn this feature off; the help desk can tell you.', 'Tu institución puede desactivar esta función; el servicio de ayuda te lo confirmará.'],
  ['Deleted items stay in the recycle bin for 30 days.', 'Los elementos eliminados permanecen 30 días en la papelera.'],
  ['Instructors see a log entry for every change.', 'El profesorado ve una entrada en el registro por cada cambio.'],
  ['Clear your browser cache and reload the page if the old version still appears.', 'Borra la caché del navegador y recarga la página si sigue apareciendo la versión anterior.'],
  ['Times are shown in your profile time zone.', 'Las horas se muestran en la zona horaria de tu perfil.'],
  ['Students are notified by e-mail unless notifications are muted.', 'El alumnado recibe un aviso por correo salvo que haya silenciado las notificaciones.'],
  ['Screen reader users can reach the same button with the Tab key.', 'Quienes usan lector de pantalla llegan al mismo botón con la tecla Tab.'],
  ['See [the step-by-step guide](https://help.example.edu/guides) for screenshots.', 'Consulta [la guía paso a paso](https://help.example.edu/guias) con capturas de pantalla.'],
  ['This does not affect grades that were already released.', 'Esto no afecta a las calificaciones ya publicadas.'],
  ['Teaching assistants need the Editor role to do this.', 'El profesorado asistente necesita el rol de Editor para hacerlo.'],
];

const esCap = (s) => s.charAt(0).toUpperCase() + s.slice(1);
const enCap = esCap;
const an = (word) => (/^[aeiou]/i.test(word) ? `an ${word}` : `a ${word}`);
/** "el cuestionario" → "al cuestionario", "la tarea" → "a la tarea". */
const al = (withArticle) => (withArticle.startsWith('el ') ? `al ${withArticle.slice(3)}` : `a ${withArticle}`);

// Question and answer templates. Each gets (rng-picked) parts and returns { en, es, tags }.
const TEMPLATES = [
  (p) => ({
    q: [`How do I ${p.a[0]} ${an(p.o.en)} ${p.ctx[0]}?`, `¿Cómo puedo ${p.a[1]} ${p.o.es[0]} ${p.ctx[1]}?`],
    tags: [p.a[0]],
  }),
  (p) => ({
    q: [`Why can't I ${p.a[0]} the ${p.o.en} in ${p.c[0]}?`, `¿Por qué no puedo ${p.a[1]} ${p.o.es[0]} en ${p.c[1]}?`],
    tags: [p.a[0], 'permissions'],
  }),
  (p) => ({
    q: [`Can students ${p.a[0]} ${p.o.pl} after the deadline?`, `¿Puede el alumnado ${p.a[1]} ${p.o.es[1]} después de la fecha límite?`],
    tags: [p.a[0], 'deadline'],
  }),
  (p) => ({
    q: [`What happens to my ${p.o.pl} when ${p.ev[0]}?`, `¿Qué pasa con ${p.o.es[1]} cuando ${p.ev[1]}?`],
    tags: ['archive'],
  }),
  (p) => ({
    q: [`${enCap(p.o.en)} ${p.st[0]} ${p.ctx[0]}`, `${esCap(p.o.es[0])} ${p.st[1]} ${p.ctx[1]}`],
    tags: ['troubleshooting'],
  }),
  (p) => ({
    q: [`Where do I find the ${p.o.pl} for ${p.c[0]}?`, `¿Dónde encuentro ${p.o.es[1]} de ${p.c[1]}?`],
    tags: ['navigation'],
  }),
  (p) => ({
    q: [`Is there a size limit for ${p.o.pl} ${p.ctx[0]}?`, `¿Hay un límite de tamaño para ${p.o.es[2]} ${p.ctx[1]}?`],
    tags: ['limits'],
  }),
  (p) => ({
    q: [`Who can ${p.a[0]} ${p.o.pl} in ${p.c[0]}?`, `¿Quién puede ${p.a[1]} ${p.o.es[1]} en ${p.c[1]}?`],
    tags: [p.a[0], 'roles'],
  }),
];

function entryFor(rng, pick) {
  const p = {
    o: pick(OBJECTS), a: pick(ACTIONS), c: pick(COURSES), ctx: pick(CONTEXTS),
    ev: pick(EVENTS), st: pick(STATES), m: pick(MENUS),
  };
  const t = pick(TEMPLATES)(p);
  const extras = [pick(EXTRAS), pick(EXTRAS)].filter((x, i, xs) => xs.indexOf(x) === i);
  const answer = [
    `Open **${p.c[0]}** and go to **${p.m[0]} → ${enCap(p.o.pl)}**. Select **${p.a[2]}** next to the ${p.o.en}${rng() < 0.5 ? ' and confirm' : ''}. ${extras.map((x) => x[0]).join(' ')}`,
    `Abre **${p.c[1]}** y ve a **${p.m[1]} → ${esCap(p.o.es[2])}**. Elige **${p.a[3]}** junto ${al(p.o.es[0])}${rng() < 0.5 ? ' y confirma' : ''}. ${extras.map((x) => x[1]).join(' ')}`,
  ];
  const tags = [...new Set([...p.o.tags, ...t.tags])].slice(0, 2 + Math.floor(rng() * 3));
  return { category: p.o.cat, tags, q: t.q, answer, slug: `${t.tags[0]}-${p.o.tags[0]}`.replace(/[^a-z0-9]+/g, '-') };
}

/** `count` FAQ entries in feed shape, `real` ones embedded at evenly spaced positions. */
export function generateFaq({ count = 10_000, seed = 20261122, real = [] } = {}) {
  const rng = prng(seed);
  const pick = (xs) => xs[Math.floor(rng() * xs.length)];
  const generated = count - real.length;
  const seen = new Set();
  const out = [];
  while (out.length < generated) {
    const e = entryFor(rng, pick);
    if (seen.has(e.q[0])) continue;
    seen.add(e.q[0]);
    const id = `kb-${String(out.length + 1).padStart(5, '0')}-${e.slug}`;
    const roll = rng();
    const question = roll < 0.08 ? { en: e.q[0] } : { en: e.q[0], es: e.q[1] };
    const answer = roll < 0.12 ? { en: e.answer[0] } : { en: e.answer[0], es: e.answer[1] };
    out.push({ id, category: e.category, tags: e.tags, question, answer });
  }
  // Real entries at positions (i + 0.5) * count / real.length.
  const positions = new Set(real.map((_, i) => Math.floor(((i + 0.5) * count) / real.length)));
  const corpus = [];
  let r = 0, g = 0;
  for (let i = 0; i < count; i++) corpus.push(positions.has(i) && r < real.length ? real[r++] : out[g++]);
  return corpus;
}

// `node bench/gen-faq.mjs > feed.json` prints the corpus as a feed (without the real entries).
if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(JSON.stringify({ version: 1, faq: generateFaq() }, null, 1) + '\n');
}
