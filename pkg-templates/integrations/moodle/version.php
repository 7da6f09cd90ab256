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
 * LMS support widget: version information.
 *
 * @package    local_lmssupport
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$plugin->component = 'local_lmssupport';
// The render's UTC date and hour (YYYYMMDDHH): every newer render has a larger one, so Moodle
// runs its upgrade when the files are replaced. Set by scripts/integrations.mjs; not by hand.
$plugin->version   = {{PLUGIN_VERSION}};
$plugin->requires  = 2022112800; // Moodle 4.1.
$plugin->release   = '{{VERSION}}';
$plugin->maturity  = MATURITY_STABLE;
