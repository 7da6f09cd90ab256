//! The ticket form's DOM: built from the view model of [`crate::ticket::view`], read back into a
//! [`TicketDraft`], and marked up with validation errors (`aria-invalid`, `aria-describedby`,
//! focus on the first error). Above the form, a card for each ticket handed to the outbox from
//! this page; the form gives way to the ticket just handed in until the learner asks to write
//! another ([`TicketDesk`] decides, this module draws). Sending, queuing and "My tickets" are in
//! [`crate::web::tickets`].

use crate::base::feed::Feed;
use crate::base::i18n::{fill, message, Lang, Msg};
use crate::help::{contacts, CauseLine, FaqLine};
use crate::ticket::context::ContextItem;
use crate::ticket::view::{
    card_view, context_label, field_error_message, FormView, Progress, TicketDesk, Update,
};
use crate::ticket::{AttachmentMeta, FieldError, TicketDraft, DESCRIPTION_MAX, SUBJECT_MAX};
use crate::web::build::{add, build, button_spec, Spec};
use crate::web::dom::{report, Shown};
use crate::web::help::faq::Disclosures;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    Document, Element, File, HtmlElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement,
};

/// Fields in form order: the order errors are focused in.
const FIELDS: [&str; 7] = crate::ticket::field::FORM_ORDER;

/// The form's nodes and what the learner has chosen that is not in a control (files, consent).
/// Ticket fields the host fills in with `LmsSupport.prefill({...})`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HostPrefill {
    /// Subject line.
    pub subject: Option<String>,
    /// Description.
    pub description: Option<String>,
    /// A priority id from the feed (`critical`, `high`, `routine`).
    pub priority: Option<String>,
    /// A category id from the feed.
    pub category: Option<String>,
    /// The learner's name.
    pub name: Option<String>,
    /// The learner's e-mail.
    pub email: Option<String>,
}

impl HostPrefill {
    /// Reads the object passed to `prefill`; string fields only, unknown keys warned about.
    pub fn from_js(value: &JsValue) -> Result<HostPrefill, String> {
        let object = value
            .dyn_ref::<js_sys::Object>()
            .filter(|_| !value.is_function())
            .ok_or("prefill takes an object such as {subject: \"…\", description: \"…\"}")?;
        let mut fields = HostPrefill::default();
        for key in js_sys::Object::keys(object)
            .iter()
            .filter_map(|k| k.as_string())
        {
            let raw = js_sys::Reflect::get(value, &JsValue::from_str(&key)).unwrap_or_default();
            if raw.is_undefined() || raw.is_null() {
                continue;
            }
            let Some(text) = raw.as_string() else {
                return Err(format!("prefill: {key} must be a string"));
            };
            let slot = match key.as_str() {
                "subject" => &mut fields.subject,
                "description" => &mut fields.description,
                "priority" => &mut fields.priority,
                "category" => &mut fields.category,
                "name" => &mut fields.name,
                "email" => &mut fields.email,
                _ => {
                    crate::web::dom::warn(&format!(
                        "prefill: unknown field {} ignored (subject, description, priority, category, name, email)",
                        crate::base::json::quoted(&key)
                    ));
                    continue;
                }
            };
            *slot = Some(text);
        }
        Ok(fields)
    }
}

pub struct TicketForm {
    doc: Document,
    /// The whole ticket view (deflection, form, status).
    section: Element,
    /// Suggested FAQ answers while the subject is typed.
    deflect: Shown,
    suggestions: Disclosures,
    /// Active maintenance or known issues attached to the ticket.
    attached: Element,
    /// The cards of the tickets handed in from this page, and "Write another ticket".
    handed: Shown,
    handed_list: Element,
    write_another: Shown,
    form: Shown,
    send: Element,
    /// Which tickets were handed in and whether the form holds a draft.
    desk: TicketDesk,
    priorities: Element,
    /// The priority radios drawn, with their ids, and the category ids offered: what the
    /// host's prefill is checked against, without reading our own options back.
    priority_radios: Vec<(String, HtmlInputElement)>,
    category_ids: Vec<String>,
    critical_check: Shown,
    subject: HtmlInputElement,
    description: HtmlTextAreaElement,
    name: HtmlInputElement,
    email: HtmlInputElement,
    files_input: HtmlInputElement,
    previews: Element,
    honeypot: HtmlInputElement,
    category: HtmlSelectElement,
    context_list: Element,
    /// Where sending, queued, sent and rejected are announced.
    status: Element,
    /// Files chosen, in order.
    files: Vec<File>,
    /// Captured context the learner still agrees to send.
    context: Vec<ContextItem>,
    lang: Lang,
}

impl std::fmt::Debug for TicketForm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TicketForm")
    }
}

/// A labelled field: the label, the control (whose `id` is `$id`) and its error line.
macro_rules! field {
    ($id:literal, $label:expr, $control:expr) => {
        Spec::el("div", "lsw-field").children(&[
            Spec::el("label", "lsw-label")
                .msg($label)
                .attrs(&[("for", $id)]),
            $control,
            Spec::el("p", "lsw-error").attrs(&[("id", concat!($id, "-error")), ("hidden", "")]),
        ])
    };
}

/// The ticket view as first drawn (hidden): choices, context, cards and status come later.
const TICKET_VIEW: Spec = Spec::el("section", "lsw-ticket")
    .attrs(&[("hidden", ""), ("aria-labelledby", "lsw-ticket-title")])
    .children(&[
        button_spec!("lsw-link-button", Msg::BackToHelp, "back-to-help"),
        Spec::el("h3", "")
            .msg(Msg::TicketTitle)
            .attrs(&[("id", "lsw-ticket-title")]),
        Spec::el("div", "lsw-causes")
            .attrs(&[("hidden", "")])
            .keep(),
        // Focused when the form gives way to the ticket just handed in: keyboard and screen
        // reader users land on what happened, and an Enter pressed twice falls on no control.
        Spec::el("div", "lsw-handed")
            .attrs(&[("tabindex", "-1"), ("hidden", "")])
            .keep()
            .children(&[
                Spec::el("ul", "lsw-ticket-list").keep(),
                Spec::el("button", "lsw-secondary")
                    .msg(Msg::WriteAnother)
                    .attrs(&[
                        ("type", "button"),
                        ("data-action", "new-ticket"),
                        ("hidden", ""),
                    ])
                    .keep(),
            ]),
        Spec::el("div", "lsw-deflect")
            .attrs(&[("hidden", "")])
            .keep(),
        Spec::el("form", "lsw-form")
            .attrs(&[("novalidate", "")])
            .keep()
            .children(&[
                field!(
                    "lsw-t-category",
                    Msg::FieldCategory,
                    Spec::el("select", "lsw-input")
                        .attrs(&[("id", "lsw-t-category")])
                        .keep()
                ),
                Spec::el("div", "lsw-field").children(&[
                    Spec::el("fieldset", "lsw-priorities")
                        .attrs(&[
                            ("id", "lsw-t-priority"),
                            ("aria-describedby", "lsw-t-priority-error"),
                        ])
                        .keep()
                        .children(&[Spec::el("legend", "lsw-label").msg(Msg::FieldPriority)]),
                    Spec::el("div", "lsw-critical-check")
                        .attrs(&[
                            ("role", "group"),
                            ("aria-labelledby", "lsw-critical-text"),
                            ("hidden", ""),
                        ])
                        .keep()
                        .children(&[
                            Spec::el("p", "")
                                .msg(Msg::CriticalCheck)
                                .attrs(&[("id", "lsw-critical-text")]),
                            button_spec!("lsw-secondary", Msg::CriticalYes, "critical-yes"),
                            button_spec!("lsw-secondary", Msg::CriticalNo, "critical-no"),
                        ]),
                    Spec::el("p", "lsw-error")
                        .attrs(&[("id", "lsw-t-priority-error"), ("hidden", "")]),
                ]),
                field!(
                    "lsw-t-subject",
                    Msg::FieldSubject,
                    Spec::el("input", "lsw-input")
                        .attrs(&[("id", "lsw-t-subject"), ("autocomplete", "off")])
                        .keep()
                ),
                field!(
                    "lsw-t-description",
                    Msg::FieldDescription,
                    Spec::el("textarea", "lsw-input")
                        .attrs(&[("id", "lsw-t-description"), ("rows", "5")])
                        .keep()
                ),
                field!(
                    "lsw-t-name",
                    Msg::FieldName,
                    Spec::el("input", "lsw-input")
                        .attrs(&[("id", "lsw-t-name"), ("autocomplete", "name")])
                        .keep()
                ),
                field!(
                    "lsw-t-email",
                    Msg::FieldEmail,
                    Spec::el("input", "lsw-input")
                        .attrs(&[
                            ("id", "lsw-t-email"),
                            ("type", "email"),
                            ("autocomplete", "email"),
                        ])
                        .keep()
                ),
                Spec::el("div", "lsw-field").children(&[
                    Spec::el("label", "lsw-label")
                        .msg(Msg::FieldFiles)
                        .attrs(&[("for", "lsw-t-attachments")]),
                    Spec::el("input", "lsw-file")
                        .attrs(&[
                            ("id", "lsw-t-attachments"),
                            ("type", "file"),
                            ("multiple", ""),
                            (
                                "accept",
                                "image/png,image/jpeg,image/gif,image/webp,application/pdf",
                            ),
                        ])
                        .keep(),
                    Spec::el("p", "lsw-error")
                        .attrs(&[("id", "lsw-t-attachments-error"), ("hidden", "")]),
                    Spec::el("ul", "lsw-previews").keep(),
                ]),
                // A field people cannot see or reach: only bots fill it in.
                Spec::el("div", "lsw-hp")
                    .attrs(&[("aria-hidden", "true")])
                    .children(&[field!(
                        "lsw-t-website",
                        Msg::HoneypotLabel,
                        Spec::el("input", "")
                            .attrs(&[
                                ("id", "lsw-t-website"),
                                ("name", "website"),
                                ("tabindex", "-1"),
                                ("autocomplete", "off"),
                            ])
                            .keep()
                    )]),
                Spec::el("div", "lsw-context").children(&[
                    Spec::el("p", "")
                        .msg(Msg::ContextLead)
                        .attrs(&[("id", "lsw-context-lead")]),
                    Spec::el("ul", "lsw-context-list")
                        .attrs(&[("aria-labelledby", "lsw-context-lead")])
                        .keep(),
                ]),
                Spec::el("button", "lsw-primary")
                    .msg(Msg::Send)
                    .attrs(&[("type", "submit")])
                    .keep(),
            ]),
        Spec::el("div", "lsw-ticket-status")
            .attrs(&[("role", "status"), ("aria-live", "polite")])
            .keep(),
    ]);

impl TicketForm {
    /// Builds the (hidden) ticket view.
    pub fn create(doc: &Document, lang: Lang) -> Result<TicketForm, JsValue> {
        // In document order, as kept in TICKET_VIEW.
        let (
            section,
            [attached, handed, handed_list, write_another, deflect, form, category, priorities, critical_check, subject, description, name, email, files_input, previews, honeypot, context_list, send, status],
        ) = build(doc, lang, &TICKET_VIEW)?;
        let subject: HtmlInputElement = subject.unchecked_into();
        subject.set_max_length(SUBJECT_MAX as i32);
        let description: HtmlTextAreaElement = description.unchecked_into();
        description.set_max_length(DESCRIPTION_MAX as i32);
        Ok(TicketForm {
            doc: doc.clone(),
            section,
            deflect: Shown::built(deflect, false),
            suggestions: Disclosures::new("lsw-s"),
            attached,
            handed: Shown::built(handed, false),
            handed_list,
            write_another: Shown::built(write_another, false),
            form: Shown::built(form, true),
            send,
            desk: TicketDesk::default(),
            priorities,
            priority_radios: Vec::new(),
            category_ids: Vec::new(),
            critical_check: Shown::built(critical_check, false),
            subject,
            description,
            name: name.unchecked_into(),
            email: email.unchecked_into(),
            files_input: files_input.unchecked_into(),
            previews,
            honeypot: honeypot.unchecked_into(),
            category: category.unchecked_into(),
            context_list,
            status,
            files: Vec::new(),
            context: Vec::new(),
            lang,
        })
    }

    /// The whole ticket view, for the help panel to show as its ticket view.
    pub fn section(&self) -> &Element {
        &self.section
    }

    /// True while the form holds a draft that Send would send (see [`TicketDesk`]).
    pub fn accepts_send(&self) -> bool {
        self.desk.accepts_send()
    }

    /// The files chosen, in order.
    pub fn files(&self) -> &[File] {
        &self.files
    }

    /// Sets the captured context offered for consent, unless the learner already has a list
    /// (which keeps their removals), and draws it.
    fn offer_context(&mut self, items: Vec<ContextItem>) -> Result<(), JsValue> {
        if self.context.is_empty() {
            self.context = items;
        }
        self.draw_context()
    }

    /// Puts the trail of the guided flow that led here first in the context (replacing an
    /// earlier one), or takes it out when `path` is empty; see
    /// [`crate::ticket::context::with_flow_path`].
    pub fn set_flow_trail(&mut self, path: &str) -> Result<(), JsValue> {
        let items = std::mem::take(&mut self.context);
        self.context = crate::ticket::context::with_flow_path(items, path);
        self.draw_context()
    }

    /// The learner took back consent for the context item at `index`.
    pub fn remove_context(&mut self, index: usize) -> Result<(), JsValue> {
        if index < self.context.len() {
            self.context.remove(index);
        }
        self.draw_context()
    }

    /// Shows suggested answers above the form while the subject is typed.
    pub fn show_suggestions(&mut self, entries: &[FaqLine], subject: &str) -> Result<(), JsValue> {
        let deflect = self.deflect.element().clone();
        deflect.replace_children_with_node_0();
        self.suggestions.clear();
        self.deflect.set(!entries.is_empty())?;
        if entries.is_empty() {
            return Ok(());
        }
        add(
            &self.doc,
            &deflect,
            "p",
            "lsw-causes-lead",
            &[],
            message(self.lang, Msg::MayAnswer),
        )?;
        for entry in entries {
            let item = self
                .suggestions
                .faq_item(&self.doc, entry, Some(subject), "h4")?;
            deflect.append_child(&item)?;
        }
        Ok(())
    }

    /// Opens or closes a suggested answer.
    pub fn toggle_suggestion(
        &mut self,
        button: &Element,
        feed: &Feed,
        locale: &str,
    ) -> Result<crate::web::help::faq::Toggled, JsValue> {
        self.suggestions.toggle(button, &self.doc, feed, locale)
    }

    /// Lists the active items that will be attached to the ticket.
    fn show_attached(&self, causes: &[CauseLine]) -> Result<(), JsValue> {
        let box_ = &self.attached;
        box_.replace_children_with_node_0();
        if causes.is_empty() {
            return box_.set_attribute("hidden", "");
        }
        box_.remove_attribute("hidden")?;
        let doc = &self.doc;
        add(
            doc,
            box_,
            "p",
            "lsw-causes-lead",
            &[],
            message(self.lang, Msg::AttachedNotice),
        )?;
        let list = add(doc, box_, "ul", "", &[], "")?;
        for cause in causes {
            let li = add(doc, &list, "li", "", &[], &format!("{}: ", cause.heading))?;
            li.append_child(&crate::web::help::cause_title(doc, cause)?)?;
        }
        Ok(())
    }

    /// After a final rejection: the fallback contacts under the status line.
    pub fn show_fallback(&self, feed: Option<&Feed>) {
        let support = feed.and_then(|f| f.support.as_ref());
        report(self.draw_fallback(support), "ticket form");
    }

    fn draw_fallback(&self, support: Option<&crate::base::feed::Support>) -> Result<(), JsValue> {
        let doc = &self.doc;
        let list = add(doc, &self.status, "ul", "lsw-fallback", &[], "")?;
        for contact in contacts(support, self.lang) {
            let li = add(doc, &list, "li", "", &[], "")?;
            add(
                doc,
                &li,
                "a",
                "",
                &[("href", &contact.href)],
                &contact.label,
            )?;
        }
        Ok(())
    }

    /// True when `element` is the subject box (deflection runs as it is typed).
    pub fn is_subject(&self, element: &Element) -> bool {
        element == self.subject.unchecked_ref::<Element>()
    }

    /// True when `element` is the file picker.
    pub fn is_file_input(&self, element: &Element) -> bool {
        element == self.files_input.unchecked_ref::<Element>()
    }

    /// The subject as typed.
    pub fn subject_text(&self) -> String {
        self.subject.value()
    }

    /// Draws a [`FormView`]: the choices (keeping what the learner already chose), name and
    /// e-mail into empty fields, the context offered for consent and the items attached.
    pub fn show(&mut self, view: FormView) -> Result<(), JsValue> {
        self.set_choices(&view)?;
        self.prefill(view.name.as_deref(), view.email.as_deref(), None, None);
        self.offer_context(view.context)?;
        self.show_attached(&view.attached)
    }

    /// Fills the choices (categories, priorities with response targets).
    fn set_choices(&mut self, view: &FormView) -> Result<(), JsValue> {
        // What the learner chose stays chosen when the choices are drawn again.
        let current_category = self.category.value();
        self.category.replace_children_with_node_0();
        for (id, label) in &view.categories {
            let selected: &[(&str, &str)] = if *id == current_category {
                &[("value", id), ("selected", "")]
            } else {
                &[("value", id)]
            };
            add(&self.doc, &self.category, "option", "", selected, label)?;
        }
        self.category_ids = view.categories.iter().map(|(id, _)| id.clone()).collect();
        let chosen = self.selected_priority();
        while let Some(last) = self
            .priorities
            .last_element_child()
            .filter(|e| e.tag_name() != "LEGEND")
        {
            last.remove();
        }
        let checked = chosen.or_else(|| view.default_priority.clone());
        self.priority_radios.clear();
        let doc = &self.doc;
        for option in &view.priorities {
            let row = add(doc, &self.priorities, "label", "lsw-priority", &[], "")?;
            let radio: HtmlInputElement = add(
                doc,
                &row,
                "input",
                "",
                &[
                    ("type", "radio"),
                    ("name", "lsw-priority"),
                    ("value", &option.id),
                    ("data-action", "priority"),
                ],
                "",
            )?
            .unchecked_into();
            radio.set_checked(checked.as_deref() == Some(option.id.as_str()));
            let text = add(doc, &row, "span", "", &[], "")?;
            add(doc, &text, "strong", "", &[], &option.label)?;
            let target = format!(" \u{00b7} {}", option.target);
            add(doc, &text, "span", "lsw-target", &[], &target)?;
            if !option.examples.is_empty() {
                add(doc, &text, "span", "lsw-examples", &[], &option.examples)?;
            }
            self.priority_radios.push((option.id.clone(), radio));
        }
        Ok(())
    }

    /// The priority the learner checked.
    fn selected_priority(&self) -> Option<String> {
        self.priority_radios
            .iter()
            .find(|(_, radio)| radio.checked())
            .map(|(id, _)| id.clone())
    }

    fn priority_radio(&self, id: &str) -> Option<&HtmlInputElement> {
        self.priority_radios
            .iter()
            .find(|(offered, _)| offered == id)
            .map(|(_, radio)| radio)
    }

    /// Shows or hides the "is it really critical?" check after a priority choice.
    pub fn on_priority_change(&self) -> Result<(), JsValue> {
        self.critical_check
            .set(self.selected_priority().as_deref() == Some("critical"))
    }

    /// The learner answered the critical check; "no" switches to routine.
    pub fn answer_critical_check(&self, keep_critical: bool) -> Result<(), JsValue> {
        self.critical_check.set(false)?;
        if !keep_critical {
            if let Some(routine) = self.priority_radio("routine") {
                routine.set_checked(true);
                routine.focus()?;
            }
        }
        Ok(())
    }

    /// Prefills name and e-mail when they are still empty.
    pub fn prefill(
        &self,
        name: Option<&str>,
        email: Option<&str>,
        subject: Option<&str>,
        description: Option<&str>,
    ) {
        for (input, value) in [
            (&self.name, name),
            (&self.email, email),
            (&self.subject, subject),
        ] {
            if let Some(value) = value.filter(|_| input.value().is_empty()) {
                input.set_value(value);
            }
        }
        if let Some(value) = description.filter(|_| self.description.value().is_empty()) {
            self.description.set_value(value);
        }
    }

    /// Writes what the host passed to `LmsSupport.prefill`, over what is in the fields: the
    /// host calls it on purpose (a "Report a problem with this quiz" link), usually right
    /// before opening the form. A priority or category the feed does not offer is ignored
    /// with a console warning.
    pub fn apply_host_prefill(&self, fields: &HostPrefill) -> Result<(), JsValue> {
        for (input, value) in [
            (&self.name, &fields.name),
            (&self.email, &fields.email),
            (&self.subject, &fields.subject),
        ] {
            if let Some(value) = value {
                input.set_value(value);
            }
        }
        if let Some(value) = &fields.description {
            self.description.set_value(value);
        }
        if let Some(category) = &fields.category {
            if self.category_ids.contains(category) {
                self.category.set_value(category);
            } else {
                crate::web::dom::warn(&format!(
                    "prefill: category {} is not offered",
                    crate::base::json::quoted(category)
                ));
            }
        }
        if let Some(priority) = &fields.priority {
            match self.priority_radio(priority) {
                Some(radio) => {
                    radio.set_checked(true);
                    self.on_priority_change()?;
                }
                None => crate::web::dom::warn(&format!(
                    "prefill: priority {} is not offered",
                    crate::base::json::quoted(priority)
                )),
            }
        }
        Ok(())
    }

    /// Redraws the consent list from [`TicketForm::context`].
    pub fn draw_context(&self) -> Result<(), JsValue> {
        self.context_list.replace_children_with_node_0();
        let doc = &self.doc;
        for (i, item) in self.context.iter().enumerate() {
            let li = add(doc, &self.context_list, "li", "", &[], "")?;
            let label = context_label(&item.key, self.lang);
            add(doc, &li, "span", "lsw-ctx-key", &[], &format!("{label}: "))?;
            add(doc, &li, "span", "lsw-ctx-value", &[], &item.value)?;
            let aria = fill(message(self.lang, Msg::RemoveItem), &[("item", &label)]);
            remove_button(doc, &li, "remove-context", i, &aria)?;
        }
        Ok(())
    }

    /// Takes the files just picked (keeping earlier ones) and redraws the previews.
    pub fn add_picked_files(&mut self) -> Result<(), JsValue> {
        if let Some(list) = self.files_input.files() {
            for i in 0..list.length() {
                if let Some(file) = list.item(i) {
                    self.files.push(file);
                }
            }
        }
        // Clear the picker so choosing the same file again fires `change`.
        self.files_input.set_value("");
        self.draw_previews()
    }

    /// Removes the file at `index` and its preview.
    pub fn remove_file(&mut self, index: usize) -> Result<(), JsValue> {
        if index < self.files.len() {
            self.files.remove(index);
        }
        self.draw_previews()?;
        self.files_input.focus()
    }

    fn draw_previews(&self) -> Result<(), JsValue> {
        self.previews.replace_children_with_node_0();
        let doc = &self.doc;
        for (i, file) in self.files.iter().enumerate() {
            let li = add(doc, &self.previews, "li", "", &[], "")?;
            if file.type_().starts_with("image/") {
                let canvas = add(
                    doc,
                    &li,
                    "canvas",
                    "lsw-thumb",
                    &[("width", "40"), ("height", "40"), ("aria-hidden", "true")],
                    "",
                )?;
                wasm_bindgen_futures::spawn_local(draw_thumbnail(file.clone(), canvas));
            }
            // Whole kilobytes: formatting an f64 would pull float printing into the Wasm.
            let size_kb = (file.size() / 1024.0).ceil() as u64;
            let name = file.name();
            add(doc, &li, "span", "", &[], &format!("{name} ({size_kb} KB)"))?;
            let aria = fill(message(self.lang, Msg::RemoveFile), &[("name", &name)]);
            remove_button(doc, &li, "remove-file", i, &aria)?;
        }
        Ok(())
    }

    /// The form as a draft for validation.
    pub fn draft(&self, locale: &str) -> TicketDraft {
        TicketDraft {
            subject: self.subject.value(),
            description: self.description.value(),
            priority: self.selected_priority().unwrap_or_default(),
            category: self.category.value(),
            name: self.name.value(),
            email: self.email.value(),
            locale: locale.to_string(),
            context: self
                .context
                .iter()
                .map(|c| (c.key.clone(), c.value.clone()))
                .collect(),
            honeypot: self.honeypot.value(),
            attachments: self
                .files
                .iter()
                .map(|f| AttachmentMeta {
                    name: f.name(),
                    mime: f.type_(),
                    bytes: f.size() as u64,
                })
                .collect(),
        }
    }

    /// Marks fields with their errors and focuses the first one; clears the others.
    pub fn show_errors(&self, errors: &[FieldError]) -> Result<(), JsValue> {
        let mut first: Option<HtmlElement> = None;
        for field in FIELDS {
            let id = format!("lsw-t-{field}");
            let error = errors.iter().find(|e| {
                e.field == field || (field == "attachments" && e.field.starts_with("attachments"))
            });
            let (Ok(Some(control)), Ok(Some(message_el))) = (
                self.section.query_selector(&format!("#{id}")),
                self.section.query_selector(&format!("#{id}-error")),
            ) else {
                continue;
            };
            match error {
                Some(e) => {
                    control.set_attribute("aria-invalid", "true")?;
                    control.set_attribute("aria-describedby", &format!("{id}-error"))?;
                    message_el.set_text_content(Some(field_error_message(&e.code, self.lang)));
                    message_el.remove_attribute("hidden")?;
                    if first.is_none() {
                        // A fieldset cannot take focus; its first radio can.
                        let target = if field == "priority" {
                            control.query_selector("input").ok().flatten()
                        } else {
                            Some(control.clone())
                        };
                        first = target.and_then(|t| t.dyn_into().ok());
                    }
                }
                None => {
                    control.remove_attribute("aria-invalid")?;
                    message_el.set_attribute("hidden", "")?;
                    message_el.set_text_content(None);
                }
            }
        }
        if let Some(first) = first {
            first.focus()?;
        }
        Ok(())
    }

    /// Empties the form after a ticket has been handed to the outbox.
    pub fn reset(&mut self) -> Result<(), JsValue> {
        self.subject.set_value("");
        self.description.set_value("");
        self.files.clear();
        self.draw_previews()?;
        self.show_errors(&[])?;
        self.deflect.set(false)
    }

    /// The form's ticket went into the outbox under `key`: Send is disabled and the form gives
    /// way to the ticket's card, which takes focus, until the learner writes another.
    pub fn hand_in(&mut self, key: String, subject: String) -> Result<(), JsValue> {
        self.desk.hand_in(key, subject);
        self.show_form(false)?;
        self.draw_handed()?;
        self.handed.element().unchecked_ref::<HtmlElement>().focus()
    }

    /// Shows a result on its ticket's card (see [`TicketDesk::update`]); on
    /// [`Update::Reopen`] the form comes back as it was sent, for the learner to fix.
    pub fn track(&mut self, key: &str, subject: &str, progress: Progress) -> Update {
        let update = self.desk.update(key, subject, progress);
        let mut drawn = Ok(());
        if update == Update::Reopen {
            drawn = self.show_form(true);
        }
        if update != Update::Unchanged {
            drawn = drawn.and_then(|_| self.draw_handed());
        }
        report(drawn, "ticket form");
        update
    }

    /// Starts another ticket: when the form held one handed in (safe in the outbox), it is
    /// emptied, keeping name, e-mail, choices and consent, and shown. A draft being written is
    /// left alone. True when the form was emptied.
    pub fn new_draft(&mut self) -> Result<bool, JsValue> {
        if !self.desk.new_draft() {
            return Ok(false);
        }
        self.reset()?;
        self.critical_check.set(false)?;
        self.status.replace_children_with_node_0();
        self.status.remove_attribute("data-state")?;
        self.show_form(true)?;
        self.draw_handed()?;
        Ok(true)
    }

    /// The control a keyboard user starts from: the category in a draft, else the card.
    pub fn first_control(&self) -> Option<HtmlElement> {
        let first = if self.desk.accepts_send() {
            self.category.clone().unchecked_into::<Element>()
        } else {
            self.handed.element().clone()
        };
        first.dyn_into().ok()
    }

    /// The regions of the ticket view hidden now, from this form's state, for the dialog's Tab
    /// wrap. The attached-items box and field errors hold no control.
    pub fn hidden_regions(&self) -> Vec<Element> {
        let mut hidden: Vec<Element> = [
            &self.deflect,
            &self.critical_check,
            &self.handed,
            &self.write_another,
            &self.form,
        ]
        .into_iter()
        .filter(|region| !region.is_shown())
        .map(|region| region.element().clone())
        .collect();
        hidden.extend(self.suggestions.closed_targets().cloned());
        hidden
    }

    /// Focuses Send (after a refused ticket came back without field errors).
    pub fn focus_send(&self) -> Result<(), JsValue> {
        self.send.unchecked_ref::<HtmlElement>().focus()
    }

    fn show_form(&self, shown: bool) -> Result<(), JsValue> {
        if shown {
            self.send.remove_attribute("disabled")?;
            self.form.set(true)
        } else {
            self.send.set_attribute("disabled", "")?;
            self.deflect.set(false)?;
            self.form.set(false)
        }
    }

    /// Redraws the cards from [`TicketForm::desk`]; "Write another ticket" shows while the form
    /// is away.
    fn draw_handed(&self) -> Result<(), JsValue> {
        self.handed_list.replace_children_with_node_0();
        let doc = &self.doc;
        for ticket in self.desk.tickets() {
            let view = card_view(ticket, self.lang);
            let state = [("data-state", ticket.progress.kind())];
            let li = add(
                doc,
                &self.handed_list,
                "li",
                "lsw-handed-ticket",
                &state,
                "",
            )?;
            add(doc, &li, "p", "lsw-title", &[("dir", "auto")], &view.title)?;
            add(doc, &li, "p", "lsw-ticket-state", &[], &view.status)?;
        }
        self.handed.set(!self.desk.tickets().is_empty())?;
        self.write_another.set(!self.desk.accepts_send())
    }

    /// Replaces the status line (announced politely).
    pub fn set_status(&self, text: &str, kind: &str) -> Result<(), JsValue> {
        self.status.replace_children_with_node_0();
        self.status.set_attribute("data-state", kind)?;
        add(&self.doc, &self.status, "p", "", &[], text)?;
        Ok(())
    }
}

/// The "×" that removes item `index` of a list (`action`: `remove-context`, `remove-file`).
fn remove_button(
    doc: &Document,
    parent: &Element,
    action: &str,
    index: usize,
    label: &str,
) -> Result<Element, JsValue> {
    add(
        doc,
        parent,
        "button",
        "lsw-remove",
        &[
            ("type", "button"),
            ("data-action", action),
            ("data-index", &index.to_string()),
            ("aria-label", label),
        ],
        "\u{00d7}",
    )
}

/// Draws `file` into the 40×40 `canvas`, cropped to fill it. A thumbnail made with a `blob:` or
/// `data:` URL would need the host page's CSP to allow that `img-src`; decoding with
/// `createImageBitmap` and drawing on a canvas needs nothing. A file that does not decode keeps
/// an empty square (the name and size beside it still say what it is).
async fn draw_thumbnail(file: File, canvas: Element) {
    let Some(window) = crate::web::dom::window() else {
        return;
    };
    let Ok(promise) = window.create_image_bitmap_with_blob(&file) else {
        return;
    };
    let Ok(bitmap) = wasm_bindgen_futures::JsFuture::from(promise).await else {
        return;
    };
    let bitmap: web_sys::ImageBitmap = bitmap.unchecked_into();
    let context = canvas
        .unchecked_ref::<web_sys::HtmlCanvasElement>()
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<web_sys::CanvasRenderingContext2d>().ok());
    if let Some(context) = context {
        let (w, h) = (f64::from(bitmap.width()), f64::from(bitmap.height()));
        let side = w.min(h);
        report(
            context.draw_image_with_image_bitmap_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
                &bitmap,
                (w - side) / 2.0,
                (h - side) / 2.0,
                side,
                side,
                0.0,
                0.0,
                40.0,
                40.0,
            ),
            "ticket form",
        );
    }
    bitmap.close();
}
