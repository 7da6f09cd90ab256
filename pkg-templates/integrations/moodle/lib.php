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
 * LMS support widget: legacy callbacks for Moodle 4.1 to 4.3.
 *
 * @package    local_lmssupport
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

/**
 * Adds the widget's script tag to the page's <head> on Moodle 4.1 to 4.3.
 *
 * Moodle 4.4 and later call classes/hook_callbacks.php instead (db/hooks.php) and skip this
 * function; the class_exists() check and embed's own once-per-page guard make sure the tag is
 * never printed twice even if both paths run.
 *
 * @return string HTML added to the page's <head>.
 */
function local_lmssupport_before_standard_html_head(): string {
    if (class_exists(\core\hook\output\before_standard_head_html_generation::class)) {
        return '';
    }
    return \local_lmssupport\embed::head_html();
}

/**
 * Adds "Help and support" to the standard footer on Moodle 4.1 to 4.3 (in Boost, the footer
 * popover behind the "?" button).
 *
 * Moodle 4.4 and later call hook_callbacks::before_standard_footer_html_generation instead.
 *
 * @return string HTML added to the standard footer.
 */
function local_lmssupport_standard_footer_html(): string {
    if (class_exists(\core\hook\output\before_standard_footer_html_generation::class)) {
        return '';
    }
    return \local_lmssupport\embed::help_entry_html();
}
