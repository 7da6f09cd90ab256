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
 * LMS support widget: English strings.
 *
 * @package    local_lmssupport
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$string['enabled'] = 'Show the support widget';
$string['enabled_desc'] = 'Adds the maintenance banner, help panel and ticket form to every page for logged-in users (not guests, not the login page).';
$string['feedurl'] = 'Feed URL';
$string['feedurl_desc'] = 'The support feed your provider gave you. The widget reads maintenance windows, notices, help articles and the ticket API address from it.';
$string['locale'] = 'Language';
$string['locale_desc'] = '"auto" follows the language of the Moodle page (the user\'s language). Or a fixed language tag such as "es" or "pt-BR".';
$string['pluginname'] = 'LMS support widget';
$string['privacy:metadata'] = 'The LMS support widget plugin stores no personal data. On each page it passes the course id, the course name and the user\'s role (teacher or student) to the widget in the browser. The widget sends them to the support provider only when the user files a support ticket, and shows them to the user first; the user can remove any of them before sending.';
