// What a Moodle page exposes (Moodle writes M.cfg inline at the top of <body>; under this demo's
// CSP it comes from a file). The sesskey is Moodle's CSRF token: the widget must never show it,
// send it or store it.
window.M = {
  cfg: {
    wwwroot: "http://127.0.0.1",
    sesskey: "SECRET123",
    courseId: 88,
    contextid: 1234,
    language: "en",
    theme: "boost"
  }
};
