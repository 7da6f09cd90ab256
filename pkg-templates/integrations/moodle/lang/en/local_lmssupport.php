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
$string['helpandsupport'] = 'Help and support';
$string['keeplauncher'] = 'Also show the floating Help button';
$string['keeplauncher_desc'] = 'The widget adds "Help and support" to the page footer (in Boost, behind the "?" button at the bottom right, beside "Contact site support") and shows no floating Help button while a page has that entry. Turn this on to show the floating button too, for example with a theme that does not print the standard footer.';
$string['locale'] = 'Language';
$string['locale_desc'] = '"auto" follows the language of the Moodle page (the user\'s language). Or a fixed language tag such as "es" or "pt-BR".';
$string['pluginname'] = 'LMS support widget';
$string['prefilluser'] = 'Prefill name and e-mail';
$string['prefilluser_desc'] = 'Passes the user\'s full name and e-mail address to the widget, so the ticket form is filled in. Privacy: they are personal data; the widget sends them to the support provider only when the user files a ticket, shows them first, and the user can change them. Leave this off if your agreement with the provider does not cover them.';
$string['privacy:metadata:lmssupport_provider'] = 'When the user files a support ticket from the widget, it is sent to the support provider, with the page context the user agreed to send.';
$string['privacy:metadata:lmssupport_provider:course'] = 'The course id and name of the page the ticket was filed from.';
$string['privacy:metadata:lmssupport_provider:email'] = 'The user\'s e-mail address, when "Prefill name and e-mail" is on.';
$string['privacy:metadata:lmssupport_provider:fullname'] = 'The user\'s full name, when "Prefill name and e-mail" is on.';
$string['privacy:metadata:lmssupport_provider:role'] = 'Whether the user is a teacher or a student in that course.';
