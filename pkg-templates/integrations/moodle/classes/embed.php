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

namespace local_lmssupport;

/**
 * Builds the widget's script tag, once per page, for both the hook and the legacy callback.
 *
 * The tag goes in the page's <head> without defer or async: the loader then runs before the
 * page's <body> is parsed and draws the banner as the learner last saw it (cached in the
 * browser) as soon as <body> exists, before Moodle's page is first painted, so the banner's
 * arrival moves nothing on the page (no layout shift). The loader is small (about 5.6 KB
 * gzip) and cached; the widget itself loads in the background.
 *
 * Shown to logged-in users only: not on the login page, not to guests or before login (they
 * cannot file a ticket with course context), and not in embedded, popup, print, redirect or
 * maintenance layouts. Quiz attempt pages and the secure (Safe Exam Browser) layout get
 * data-quiet="true", which keeps only downtime and last-hour notices on screen.
 *
 * @package    local_lmssupport
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */
class embed {
    /** The loader of release {{VERSION}}; the hash and the URL change together. */
    const LOADER_URL = '{{LOADER_URL}}';
    /** Subresource Integrity hash of that loader. */
    const LOADER_SRI = '{{LOADER_SRI}}';

    /** The link the widget's loader answers on any page: it opens the help panel. */
    const HELP_LINK = '#lms-support-help';

    /** @var bool Whether the tag was already printed on this page. */
    private static $done = false;

    /** @var bool Whether the help entry was already printed on this page. */
    private static $entrydone = false;

    /**
     * The script tag for the current page, or '' when the widget does not belong on it.
     *
     * @return string HTML.
     */
    public static function head_html(): string {
        if (self::$done) {
            return '';
        }
        $data = self::page_data();
        if ($data === null) {
            return '';
        }
        self::$done = true;
        return self::script_tag($data);
    }

    /**
     * "Help and support" for Moodle's standard footer (in Boost, the footer popover beside
     * "Contact site support"), on the pages that get the widget; '' elsewhere.
     *
     * A link to #lms-support-help: the widget's loader opens the help panel when it is
     * clicked, wherever it is (Boost shows a copy of the footer in its popover), and hides the
     * floating Help button while the page has one, unless "Also show the floating Help button"
     * is on. Without the widget (a script blocker) it only changes the address's fragment.
     *
     * @return string HTML.
     */
    public static function help_entry_html(): string {
        if (self::$entrydone || self::page_data() === null) {
            return '';
        }
        self::$entrydone = true;
        return self::help_entry(get_string('helpandsupport', 'local_lmssupport'));
    }

    /**
     * The entry's markup with the given (already translated) text; html_writer escapes it.
     *
     * @param string $text
     * @return string HTML.
     */
    public static function help_entry(string $text): string {
        return \html_writer::div(\html_writer::link(self::HELP_LINK, s($text)), 'lmssupport-help');
    }

    /**
     * The script tag with the given data-* attributes; html_writer escapes every value.
     *
     * @param array $data Attribute name without "data-" => value; empty values are left out.
     * @return string HTML.
     */
    public static function script_tag(array $data): string {
        $attributes = [
            'src' => self::LOADER_URL,
            'integrity' => self::LOADER_SRI,
            'crossorigin' => 'anonymous',
        ];
        foreach ($data as $name => $value) {
            if ($value !== null && $value !== '') {
                $attributes['data-' . $name] = (string) $value;
            }
        }
        return \html_writer::tag('script', '', $attributes);
    }

    /**
     * The data-* attributes for the current page, or null when the widget is not shown.
     *
     * @return array|null
     */
    private static function page_data(): ?array {
        global $PAGE, $USER;

        if (during_initial_install() || !get_config('local_lmssupport', 'enabled')) {
            return null;
        }
        $feed = trim((string) get_config('local_lmssupport', 'feedurl'));
        if ($feed === '' || !isloggedin() || isguestuser()) {
            return null;
        }
        $skiplayouts = ['login', 'embedded', 'popup', 'print', 'redirect', 'maintenance', 'frametop'];
        if (in_array($PAGE->pagelayout, $skiplayouts, true) || $PAGE->pagetype === 'login-index') {
            return null;
        }
        $locale = trim((string) get_config('local_lmssupport', 'locale'));
        $data = [
            'feed' => $feed,
            'locale' => $locale === '' ? 'auto' : $locale,
            'lms' => 'moodle',
            // Named, the corner keeps the floating Help button beside the footer entry.
            'launcher' => get_config('local_lmssupport', 'keeplauncher') ? 'bottom-right' : null,
        ];
        if ($PAGE->pagelayout === 'secure' || strpos((string) $PAGE->pagetype, 'mod-quiz-attempt') === 0) {
            $data['quiet'] = 'true';
        }
        $course = $PAGE->course;
        if ($course && (int) $course->id !== (int) SITEID) {
            $context = \context_course::instance($course->id);
            $data['course'] = (string) $course->id;
            $data['course-name'] = format_string($course->fullname, true, ['context' => $context, 'escape' => false]);
            $data['role'] = self::role($context, $USER);
        }
        return $data + self::user_data((bool) get_config('local_lmssupport', 'prefilluser'), $USER);
    }

    /**
     * The user's full name and e-mail, which prefill the ticket form, when the site chose to
     * pass them ("Prefill name and e-mail", off by default); nothing otherwise.
     *
     * @param bool $enabled The setting.
     * @param \stdClass $user
     * @return array
     */
    public static function user_data(bool $enabled, \stdClass $user): array {
        if (!$enabled || empty($user->email)) {
            return [];
        }
        return ['user-name' => fullname($user), 'user-email' => $user->email];
    }

    /**
     * "teacher" for editing and non-editing teachers (and anyone else who can edit or grade the
     * course), "student" for other enrolled users, null otherwise.
     *
     * @param \context_course $context
     * @param \stdClass $user
     * @return string|null
     */
    private static function role(\context_course $context, \stdClass $user): ?string {
        if (has_capability('moodle/course:update', $context) || has_capability('moodle/grade:viewall', $context)) {
            return 'teacher';
        }
        if (is_enrolled($context, $user, '', true)) {
            return 'student';
        }
        return null;
    }
}
