// What learners type into the help panel's search box, for the per-keystroke timing of
// `make bench`: every prefix of each query is searched, as it would be while typing.
// Half English, half Spanish; some spelled right, some with typos (marked "typo"), Spanish ones
// mostly without accents (marked "no accents"), some about the hand-written FAQ's topics and
// some about the generated corpus's (courses, tools, roles, devices).
export const BASE_QUERIES = [
  // English
  { locale: 'en', q: 'reset password' },
  { locale: 'en', q: 'how do i reset my pasword' }, // typo
  { locale: 'en', q: 'cant log in' },
  { locale: 'en', q: 'two factor authentication' },
  { locale: 'en', q: 'where are my grades' },
  { locale: 'en', q: 'final grade calculated' },
  { locale: 'en', q: 'submit assignmnet' }, // typo
  { locale: 'en', q: 'late submission penalty' },
  { locale: 'en', q: 'uploaded the wrong file' },
  { locale: 'en', q: 'quiz timer ran out' },
  { locale: 'en', q: 'retake quizz' }, // typo
  { locale: 'en', q: 'video keeps bufering' }, // typo
  { locale: 'en', q: 'turn on captions' },
  { locale: 'en', q: 'screen reader keyboard' },
  { locale: 'en', q: 'mobile app offline' },
  { locale: 'en', q: 'stop forum emails' },
  { locale: 'en', q: 'maximum file size' },
  { locale: 'en', q: 'download certificate of completion' },
  { locale: 'en', q: 'enroll in a course' },
  { locale: 'en', q: 'supported browsers' },
  { locale: 'en', q: 'export gradebook' },
  { locale: 'en', q: 'originality report not loading' },
  { locale: 'en', q: 'breakout rooms as a teaching assistant' },
  { locale: 'en', q: 'organic chemestry lab report' }, // typo
  { locale: 'en', q: 'calendar feed not syncing' },
  // Spanish
  { locale: 'es', q: 'olvide mi contraseña' }, // no accents on "olvidé"
  { locale: 'es', q: 'restablecer contrasena' }, // no accents
  { locale: 'es', q: 'no puedo iniciar sesion' }, // no accents
  { locale: 'es', q: 'verificacion en dos pasos' }, // no accents
  { locale: 'es', q: 'donde veo mis calificasiones' }, // typo, no accents
  { locale: 'es', q: 'nota final' },
  { locale: 'es', q: 'entregar una tarea tarde' },
  { locale: 'es', q: 'subí el archivo equivocado' },
  { locale: 'es', q: 'repetir el cuestionaro' }, // typo
  { locale: 'es', q: 'subtitulos en los videos' }, // no accents
  { locale: 'es', q: 'lector de pantalla' },
  { locale: 'es', q: 'aplicacion movil sin conexion' }, // no accents
  { locale: 'es', q: 'no recibo correos' },
  { locale: 'es', q: 'darme de baja de un curso' },
  { locale: 'es', q: 'descargar certificdo' }, // typo
  { locale: 'es', q: 'tamaño maximo de archivo' }, // no accents
  { locale: 'es', q: 'navegadores compatibles' },
  { locale: 'es', q: 'borrar la cache del navegador' }, // no accents
  { locale: 'es', q: 'mantenimiento programado' },
  { locale: 'es', q: 'zona horaria de las fechas de entrega' },
  { locale: 'es', q: 'exportar libro de calificaciones' },
  { locale: 'es', q: 'informe de originalidad no carga' },
  { locale: 'es', q: 'quimica organica informe de laboratorio' }, // no accents
  { locale: 'es', q: 'examen supervisado en safari' },
  { locale: 'es', q: 'sesion en directo como profesor asistente' }, // no accents
];

/** Every prefix of every base query, as typed (a prefix ending in a space included), skipping
 *  blank ones: [{ q, locale }]. */
export function keystrokes(base = BASE_QUERIES) {
  const out = [];
  for (const { q, locale } of base) {
    const chars = [...q];
    for (let n = 1; n <= chars.length; n++) {
      const prefix = chars.slice(0, n).join('');
      if (prefix.trim()) out.push({ q: prefix, locale });
    }
  }
  return out;
}
