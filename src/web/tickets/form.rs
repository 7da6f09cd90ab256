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
use crate::web::dom::{action_button, append, el, report, text_el, Shown};
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
                        "prefill: unknown field {key:?} ignored (subject, description, priority, category, name, email)"
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

fn labelled(doc: &Document, id: &str, label: &str, control: &Element) -> Result<Element, JsValue> {
    let field = el(doc, "div", "lsw-field")?;
    let label_el = text_el(doc, "label", "lsw-label", label)?;
    label_el.set_attribute("for", id)?;
    control.set_id(id);
    let error = el(doc, "p", "lsw-error")?;
    error.set_id(&format!("{id}-error"));
    error.set_attribute("hidden", "")?;
    field.append_child(&label_el)?;
    field.append_child(control)?;
    field.append_child(&error)?;
    Ok(field)
}

impl TicketForm {
    /// Builds the (hidden) ticket view.
    pub fn create(doc: &Document, lang: Lang) -> Result<TicketForm, JsValue> {
        let section = el(doc, "section", "lsw-ticket")?;
        section.set_attribute("hidden", "")?;
        section.set_attribute("aria-labelledby", "lsw-ticket-title")?;
        let back = action_button(
            doc,
            "lsw-link-button",
            message(lang, Msg::BackToHelp),
            "back-to-help",
        )?;
        let title = text_el(doc, "h3", "", message(lang, Msg::TicketTitle))?;
        title.set_id("lsw-ticket-title");
        let attached = el(doc, "div", "lsw-causes")?;
        attached.set_attribute("hidden", "")?;
        let deflect = el(doc, "div", "lsw-deflect")?;

        let form = el(doc, "form", "lsw-form")?;
        form.set_attribute("novalidate", "")?;
        let category: HtmlSelectElement = el(doc, "select", "lsw-input")?.unchecked_into();
        let priorities = el(doc, "fieldset", "lsw-priorities")?;
        priorities.set_id("lsw-t-priority");
        priorities.set_attribute("aria-describedby", "lsw-t-priority-error")?;
        let critical_check = el(doc, "div", "lsw-critical-check")?;
        critical_check.set_attribute("role", "group")?;
        let check_text = text_el(doc, "p", "", message(lang, Msg::CriticalCheck))?;
        check_text.set_id("lsw-critical-text");
        critical_check.set_attribute("aria-labelledby", "lsw-critical-text")?;
        critical_check.append_child(&check_text)?;
        for (msg, action) in [
            (Msg::CriticalYes, "critical-yes"),
            (Msg::CriticalNo, "critical-no"),
        ] {
            let b = action_button(doc, "lsw-secondary", message(lang, msg), action)?;
            critical_check.append_child(&b)?;
        }
        let subject: HtmlInputElement = el(doc, "input", "lsw-input")?.unchecked_into();
        subject.set_max_length(SUBJECT_MAX as i32);
        subject.set_attribute("autocomplete", "off")?;
        let description: HtmlTextAreaElement = el(doc, "textarea", "lsw-input")?.unchecked_into();
        description.set_max_length(DESCRIPTION_MAX as i32);
        description.set_rows(5);
        let name: HtmlInputElement = el(doc, "input", "lsw-input")?.unchecked_into();
        name.set_attribute("autocomplete", "name")?;
        let email: HtmlInputElement = el(doc, "input", "lsw-input")?.unchecked_into();
        email.set_type("email");
        email.set_attribute("autocomplete", "email")?;
        let files_input: HtmlInputElement = el(doc, "input", "lsw-file")?.unchecked_into();
        files_input.set_type("file");
        files_input.set_multiple(true);
        files_input.set_accept("image/png,image/jpeg,image/gif,image/webp,application/pdf");
        let previews = el(doc, "ul", "lsw-previews")?;

        // A field people cannot see or reach: only bots fill it in.
        let honeypot_box = el(doc, "div", "lsw-hp")?;
        honeypot_box.set_attribute("aria-hidden", "true")?;
        let honeypot: HtmlInputElement = el(doc, "input", "")?.unchecked_into();
        honeypot.set_name("website");
        honeypot.set_tab_index(-1);
        honeypot.set_attribute("autocomplete", "off")?;
        append(
            &honeypot_box,
            labelled(
                doc,
                "lsw-t-website",
                message(lang, Msg::HoneypotLabel),
                &honeypot,
            ),
        )?;

        let context_box = el(doc, "div", "lsw-context")?;
        let context_lead = text_el(doc, "p", "", message(lang, Msg::ContextLead))?;
        context_lead.set_id("lsw-context-lead");
        let context_list = el(doc, "ul", "lsw-context-list")?;
        context_list.set_attribute("aria-labelledby", "lsw-context-lead")?;
        context_box.append_child(&context_lead)?;
        context_box.append_child(&context_list)?;

        let send = text_el(doc, "button", "lsw-primary", message(lang, Msg::Send))?;
        send.set_attribute("type", "submit")?;

        // Focused when the form gives way to the ticket just handed in: keyboard and screen
        // reader users land on what happened, and an Enter pressed twice falls on no control.
        let handed = el(doc, "div", "lsw-handed")?;
        handed.set_attribute("tabindex", "-1")?;
        let handed_list = el(doc, "ul", "lsw-ticket-list")?;
        let write_another = action_button(
            doc,
            "lsw-secondary",
            message(lang, Msg::WriteAnother),
            "new-ticket",
        )?;
        handed.append_child(&handed_list)?;
        handed.append_child(&write_another)?;

        let legend = text_el(
            doc,
            "legend",
            "lsw-label",
            message(lang, Msg::FieldPriority),
        )?;
        priorities.append_child(&legend)?;
        let priority_error = el(doc, "p", "lsw-error")?;
        priority_error.set_id("lsw-t-priority-error");
        priority_error.set_attribute("hidden", "")?;

        append(
            &form,
            labelled(
                doc,
                "lsw-t-category",
                message(lang, Msg::FieldCategory),
                &category,
            ),
        )?;
        let priority_field = el(doc, "div", "lsw-field")?;
        priority_field.append_child(&priorities)?;
        priority_field.append_child(&critical_check)?;
        priority_field.append_child(&priority_error)?;
        form.append_child(&priority_field)?;
        append(
            &form,
            labelled(
                doc,
                "lsw-t-subject",
                message(lang, Msg::FieldSubject),
                &subject,
            ),
        )?;
        append(
            &form,
            labelled(
                doc,
                "lsw-t-description",
                message(lang, Msg::FieldDescription),
                &description,
            ),
        )?;
        append(
            &form,
            labelled(doc, "lsw-t-name", message(lang, Msg::FieldName), &name),
        )?;
        append(
            &form,
            labelled(doc, "lsw-t-email", message(lang, Msg::FieldEmail), &email),
        )?;
        let files_field = labelled(
            doc,
            "lsw-t-attachments",
            message(lang, Msg::FieldFiles),
            &files_input,
        )?;
        files_field.append_child(&previews)?;
        form.append_child(&files_field)?;
        form.append_child(&honeypot_box)?;
        form.append_child(&context_box)?;
        form.append_child(&send)?;

        let status = el(doc, "div", "lsw-ticket-status")?;
        status.set_attribute("role", "status")?;
        status.set_attribute("aria-live", "polite")?;

        for part in [&back, &title, &attached, &handed, &deflect, &form, &status] {
            section.append_child(part)?;
        }
        Ok(TicketForm {
            doc: doc.clone(),
            section,
            deflect: Shown::new(deflect, false)?,
            suggestions: Disclosures::new("lsw-s"),
            attached,
            handed: Shown::new(handed, false)?,
            handed_list,
            write_another: Shown::new(write_another, false)?,
            form: Shown::new(form, true)?,
            send,
            desk: TicketDesk::default(),
            priorities,
            priority_radios: Vec::new(),
            category_ids: Vec::new(),
            critical_check: Shown::new(critical_check, false)?,
            subject,
            description,
            name,
            email,
            files_input,
            previews,
            honeypot,
            category,
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
        append(
            &deflect,
            text_el(
                &self.doc,
                "p",
                "lsw-causes-lead",
                message(self.lang, Msg::MayAnswer),
            ),
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
        append(
            box_,
            text_el(
                &self.doc,
                "p",
                "lsw-causes-lead",
                message(self.lang, Msg::AttachedNotice),
            ),
        )?;
        let list = el(&self.doc, "ul", "")?;
        for cause in causes {
            let li = text_el(&self.doc, "li", "", &format!("{}: ", cause.heading))?;
            li.append_child(&crate::web::help::cause_title(&self.doc, cause)?)?;
            list.append_child(&li)?;
        }
        box_.append_child(&list)?;
        Ok(())
    }

    /// After a final rejection: the fallback contacts under the status line.
    pub fn show_fallback(&self, feed: Option<&Feed>) {
        let support = feed.and_then(|f| f.support.as_ref());
        let Ok(list) = el(&self.doc, "ul", "lsw-fallback") else {
            return;
        };
        for contact in contacts(support, self.lang) {
            if let (Ok(li), Ok(a)) = (
                el(&self.doc, "li", ""),
                text_el(&self.doc, "a", "", &contact.label),
            ) {
                report(a.set_attribute("href", &contact.href), "ticket form");
                report(li.append_child(&a), "ticket form");
                report(list.append_child(&li), "ticket form");
            }
        }
        report(self.status.append_child(&list), "ticket form");
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
            let option = text_el(&self.doc, "option", "", label)?;
            option.set_attribute("value", id)?;
            if *id == current_category {
                option.set_attribute("selected", "")?;
            }
            self.category.append_child(&option)?;
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
        for option in &view.priorities {
            let row = el(&self.doc, "label", "lsw-priority")?;
            let radio: HtmlInputElement = el(&self.doc, "input", "")?.unchecked_into();
            radio.set_type("radio");
            radio.set_name("lsw-priority");
            radio.set_value(&option.id);
            radio.set_checked(checked.as_deref() == Some(option.id.as_str()));
            radio.set_attribute("data-action", "priority")?;
            let text = el(&self.doc, "span", "")?;
            append(&text, text_el(&self.doc, "strong", "", &option.label))?;
            append(
                &text,
                text_el(
                    &self.doc,
                    "span",
                    "lsw-target",
                    &format!(" \u{00b7} {}", option.target),
                ),
            )?;
            if !option.examples.is_empty() {
                append(
                    &text,
                    text_el(&self.doc, "span", "lsw-examples", &option.examples),
                )?;
            }
            row.append_child(&radio)?;
            row.append_child(&text)?;
            self.priorities.append_child(&row)?;
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
                crate::web::dom::warn(&format!("prefill: category {category:?} is not offered"));
            }
        }
        if let Some(priority) = &fields.priority {
            match self.priority_radio(priority) {
                Some(radio) => {
                    radio.set_checked(true);
                    self.on_priority_change()?;
                }
                None => {
                    crate::web::dom::warn(&format!("prefill: priority {priority:?} is not offered"))
                }
            }
        }
        Ok(())
    }

    /// Redraws the consent list from [`TicketForm::context`].
    pub fn draw_context(&self) -> Result<(), JsValue> {
        self.context_list.replace_children_with_node_0();
        for (i, item) in self.context.iter().enumerate() {
            let li = el(&self.doc, "li", "")?;
            let label = context_label(&item.key, self.lang);
            append(
                &li,
                text_el(&self.doc, "span", "lsw-ctx-key", &format!("{label}: ")),
            )?;
            append(
                &li,
                text_el(&self.doc, "span", "lsw-ctx-value", &item.value),
            )?;
            let remove = action_button(&self.doc, "lsw-remove", "\u{00d7}", "remove-context")?;
            remove.set_attribute("data-index", &i.to_string())?;
            remove.set_attribute(
                "aria-label",
                &fill(message(self.lang, Msg::RemoveItem), &[("item", &label)]),
            )?;
            li.append_child(&remove)?;
            self.context_list.append_child(&li)?;
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
        for (i, file) in self.files.iter().enumerate() {
            let li = el(&self.doc, "li", "")?;
            if file.type_().starts_with("image/") {
                let canvas = el(&self.doc, "canvas", "lsw-thumb")?;
                canvas.set_attribute("width", "40")?;
                canvas.set_attribute("height", "40")?;
                canvas.set_attribute("aria-hidden", "true")?;
                li.append_child(&canvas)?;
                wasm_bindgen_futures::spawn_local(draw_thumbnail(file.clone(), canvas));
            }
            // Whole kilobytes: formatting an f64 would pull float printing into the Wasm.
            let size_kb = (file.size() / 1024.0).ceil() as u64;
            append(
                &li,
                text_el(
                    &self.doc,
                    "span",
                    "",
                    &format!("{} ({size_kb} KB)", file.name()),
                ),
            )?;
            let remove = action_button(&self.doc, "lsw-remove", "\u{00d7}", "remove-file")?;
            remove.set_attribute("data-index", &i.to_string())?;
            remove.set_attribute(
                "aria-label",
                &fill(
                    message(self.lang, Msg::RemoveFile),
                    &[("name", &file.name())],
                ),
            )?;
            li.append_child(&remove)?;
            self.previews.append_child(&li)?;
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
        for ticket in self.desk.tickets() {
            let view = card_view(ticket, self.lang);
            let li = el(&self.doc, "li", "lsw-handed-ticket")?;
            li.set_attribute("data-state", ticket.progress.kind())?;
            let title = text_el(&self.doc, "p", "lsw-title", &view.title)?;
            title.set_attribute("dir", "auto")?;
            li.append_child(&title)?;
            append(
                &li,
                text_el(&self.doc, "p", "lsw-ticket-state", &view.status),
            )?;
            self.handed_list.append_child(&li)?;
        }
        self.handed.set(!self.desk.tickets().is_empty())?;
        self.write_another.set(!self.desk.accepts_send())
    }

    /// Replaces the status line (announced politely).
    pub fn set_status(&self, text: &str, kind: &str) -> Result<(), JsValue> {
        self.status.replace_children_with_node_0();
        self.status.set_attribute("data-state", kind)?;
        append(&self.status, text_el(&self.doc, "p", "", text))?;
        Ok(())
    }
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
