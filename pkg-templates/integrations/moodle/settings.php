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
 * LMS support widget: admin settings (Site administration > Plugins > Local plugins).
 *
 * @package    local_lmssupport
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

if ($hassiteconfig) {
    $settings = new admin_settingpage('local_lmssupport', new lang_string('pluginname', 'local_lmssupport'));
    $ADMIN->add('localplugins', $settings);

    $settings->add(new admin_setting_configcheckbox(
        'local_lmssupport/enabled',
        new lang_string('enabled', 'local_lmssupport'),
        new lang_string('enabled_desc', 'local_lmssupport'),
        1
    ));
    $settings->add(new admin_setting_configtext(
        'local_lmssupport/feedurl',
        new lang_string('feedurl', 'local_lmssupport'),
        new lang_string('feedurl_desc', 'local_lmssupport'),
        '{{FEED_URL}}',
        PARAM_URL,
        60
    ));
    $settings->add(new admin_setting_configtext(
        'local_lmssupport/locale',
        new lang_string('locale', 'local_lmssupport'),
        new lang_string('locale_desc', 'local_lmssupport'),
        'auto',
        PARAM_ALPHANUMEXT,
        10
    ));
    // Off by default: "Help and support" in the footer is the way in; the floating button
    // would sit beside Boost's own "?" button.
    $settings->add(new admin_setting_configcheckbox(
        'local_lmssupport/keeplauncher',
        new lang_string('keeplauncher', 'local_lmssupport'),
        new lang_string('keeplauncher_desc', 'local_lmssupport'),
        0
    ));
    // Off by default: name and e-mail are personal data (see the privacy note in its description).
    $settings->add(new admin_setting_configcheckbox(
        'local_lmssupport/prefilluser',
        new lang_string('prefilluser', 'local_lmssupport'),
        new lang_string('prefilluser_desc', 'local_lmssupport'),
        0
    ));
}
