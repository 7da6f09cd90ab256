<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

/**
 * LMS support widget: cadenas en español.
 *
 * @package    local_lmssupport
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$string['enabled'] = 'Mostrar el widget de soporte';
$string['enabled_desc'] = 'Añade el aviso de mantenimiento, el panel de ayuda y el formulario de incidencias a todas las páginas para los usuarios identificados (no para invitados ni en la página de acceso).';
$string['feedurl'] = 'URL del feed';
$string['feedurl_desc'] = 'El feed de soporte que le dio su proveedor. El widget lee de él los periodos de mantenimiento, los avisos, los artículos de ayuda y la dirección de la API de incidencias.';
$string['helpandsupport'] = 'Ayuda y soporte';
$string['keeplauncher'] = 'Mostrar también el botón flotante de Ayuda';
$string['keeplauncher_desc'] = 'El widget añade «Ayuda y soporte» al pie de página (en Boost, tras el botón «?» abajo a la derecha, junto a «Contactar con el soporte del sitio») y no muestra el botón flotante de Ayuda mientras la página tenga esa entrada. Actívelo para mostrar también el botón flotante, por ejemplo con un tema que no imprime el pie de página estándar.';
$string['locale'] = 'Idioma';
$string['locale_desc'] = '"auto" sigue el idioma de la página de Moodle (el idioma del usuario). O una etiqueta de idioma fija, como "es" o "pt-BR".';
$string['pluginname'] = 'Widget de soporte LMS';
$string['prefilluser'] = 'Rellenar nombre y correo';
$string['prefilluser_desc'] = 'Pasa al widget el nombre completo y la dirección de correo del usuario, para que el formulario de incidencias venga relleno. Privacidad: son datos personales; el widget los envía al proveedor de soporte solo cuando el usuario abre una incidencia, se los muestra antes y el usuario puede cambiarlos. Déjelo desactivado si su acuerdo con el proveedor no los cubre.';
$string['privacy:metadata:lmssupport_provider'] = 'Cuando el usuario abre una incidencia desde el widget, se envía al proveedor de soporte, con el contexto de la página que el usuario aceptó enviar.';
$string['privacy:metadata:lmssupport_provider:course'] = 'El identificador y el nombre del curso de la página desde la que se abrió la incidencia.';
$string['privacy:metadata:lmssupport_provider:email'] = 'La dirección de correo del usuario, si «Rellenar nombre y correo» está activado.';
$string['privacy:metadata:lmssupport_provider:fullname'] = 'El nombre completo del usuario, si «Rellenar nombre y correo» está activado.';
$string['privacy:metadata:lmssupport_provider:role'] = 'Si el usuario es profesor o estudiante en ese curso.';
