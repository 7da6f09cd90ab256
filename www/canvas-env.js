// What a Canvas LMS page exposes before its bundles run (Canvas writes this inline; under this
// demo's CSP it comes from a file). The widget's data-lms="auto" reads it for ticket context.
window.ENV = {
  COURSE_ID: "4242",
  current_user_roles: ["user", "student"],
  current_user: { id: "77", display_name: "Ana Learner" },
  LOCALE: "en",
  COURSE: { id: "4242", name: "Biology 101" },
  context_asset_string: "course_4242"
};
