"""The administrator's side in a real browser: the channel form's four tabs, the dashboard,
the Online Chat Name in Preferences and the Live Chat section of the website settings."""
import re
import uuid

from playwright.sync_api import expect

from conftest import login

DASHBOARD = "/web#action=livechat.livechat_channel_action_kanban"


def exactly(label):
    """A pattern for a whole label, whatever the spaces (Odoo 11 writes "Save  & Close")."""
    return re.compile(r"^\s*%s\s*$" % r"\s+".join(re.escape(word) for word in label.split()))


def button(scope, label):
    """The button whose whole label is ``label`` (Odoo wraps labels in spans)."""
    return scope.locator("button").filter(has_text=exactly(label))


def open_dashboard(page):
    page.goto(DASHBOARD)
    page.wait_for_selector(".o_kanban_view .o_kanban_record")
    hide_chat_windows(page)


def open_tab(page, title):
    page.locator(".o_form_view .o_notebook .nav-tabs a").filter(
        has_text=re.compile(r"^\s*%s\s*$" % re.escape(title))).click()


def wait_saved(page):
    """The form went back to read-only mode: the record is saved."""
    page.wait_for_selector(".o_form_view.o_form_readonly")


def add_operator(page, name):
    page.click(".o_field_livechat_operators .o-kanban-button-new")
    dialog = page.locator(".modal:has(.modal-title:text('Add: Operators'))")
    dialog.locator(".o_searchview_input").fill(name)
    dialog.locator(".o_searchview_input").press("Enter")
    dialog.locator(".o_data_row:has-text('%s') .o_list_record_selector" % name).click()
    button(dialog.locator(".modal-footer"), "Select").click()
    page.wait_for_selector(".o_field_livechat_operators .o_kanban_record:has-text('%s')" % name)


def hide_chat_windows(page):
    """Chat windows of conversations started by other tests (the administrator is an operator) sit
    in the bottom right corner, over the form: they are not part of these tests."""
    page.add_style_tag(content=".o_chat_window { display: none !important; }")


def test_create_a_channel_through_the_four_tabs(admin_page, page_errors):
    page = admin_page
    name = "Channel %s" % uuid.uuid4().hex[:8]
    open_dashboard(page)
    page.click(".o_control_panel .o-kanban-button-new")
    page.wait_for_selector(".o_form_view.o_form_editable")
    page.fill("input[name=name]", name)

    # Operators: the creator is there by default; Add opens the select pop-up; a card opens with Remove
    open_tab(page, "Operators")
    operators = page.locator(".o_field_livechat_operators .o_kanban_record:not(.o_kanban_ghost)")
    assert operators.count() == 1
    assert "Administrator" in operators.first.inner_text()
    add_operator(page, "Demo User")
    page.click(".o_field_livechat_operators .o_kanban_record:has-text('Demo User')")
    dialog = page.locator(".modal:has(.modal-title:text('Open: Operators'))")
    dialog.wait_for()
    assert dialog.locator("input[name=login]").input_value() == "demo"
    buttons = dialog.locator(".modal-footer button")
    assert [buttons.nth(i).inner_text() for i in range(buttons.count())] == ["Save", "Remove", "Discard"]
    button(dialog.locator(".modal-footer"), "Remove").click()
    page.wait_for_selector(".modal", state="detached")
    assert page.locator(".o_field_livechat_operators .o_kanban_record:has-text('Demo User')").count() == 0
    add_operator(page, "Demo User")
    # "Create" in the pop-up opens the guide's "Create Operators" form of a new operator
    page.click(".o_field_livechat_operators .o-kanban-button-new")
    select_dialog = page.locator(".modal:has(.modal-title:text('Add: Operators'))")
    button(select_dialog.locator(".modal-footer"), "Create").click()
    create_dialog = page.locator(".modal:has(.modal-title:text('Create Operators'))")
    create_dialog.wait_for()
    assert create_dialog.locator(".o_form_view input[name=login]").count() == 1
    assert button(create_dialog.locator(".modal-footer"), "Save & Close").count() == 1
    assert button(create_dialog.locator(".modal-footer"), "Save & New").count() == 1
    button(create_dialog.locator(".modal-footer"), "Discard").click()
    page.wait_for_selector(".modal", state="detached")

    # Options: texts and colours, with a live preview; what is typed is never HTML
    open_tab(page, "Options")
    preview = page.locator(".o_livechat_preview")
    page.fill("input[name=button_text]", "<b>Ask</b> us")
    page.fill("input[name=notification_text]", "We are online")
    page.fill("input[name=welcome_message]", "Welcome, how can we help?")
    page.fill("input[name=input_placeholder]", "Your question...")
    expect(preview.locator(".o_livechat_preview_button_text")).to_have_text("<b>Ask</b> us")
    expect(preview.locator(".o_livechat_preview_notification")).to_have_text("We are online")
    expect(preview.locator(".o_livechat_preview_message")).to_have_text("Welcome, how can we help?")
    expect(preview.locator(".o_livechat_preview_input")).to_have_text("Your question...")
    assert preview.locator(".o_livechat_preview_button b").count() == 0, "typed text is never HTML"
    # the colour picker writes the text field and repaints the preview at once
    page.locator("div[name=button_background_color] input[type=color]").fill("#112233")
    assert page.locator("div[name=button_background_color] input.o_input").input_value() == "#112233"
    expect(preview.locator(".o_livechat_preview_button")).to_have_css("background-color", "rgb(17, 34, 51)")
    # a typed colour moves the picker and the preview too
    page.fill("div[name=button_text_color] input.o_input", "#FFEE00")
    expect(page.locator("div[name=button_text_color] input[type=color]")).to_have_value("#ffee00")
    expect(preview.locator(".o_livechat_preview_button")).to_have_css("color", "rgb(255, 238, 0)")
    # an invalid colour is refused on save with a readable message, and nothing typed is lost
    page.fill("div[name=header_color] input.o_input", "blue")
    page.click(".o_form_button_save")
    error = page.locator(".modal:has-text('#RRGGBB')")
    error.wait_for()
    assert "Channel Header Color" in error.inner_text()
    error.locator(".modal-footer button").first.click()
    page.wait_for_selector(".modal", state="detached")
    assert page.locator("input[name=button_text]").input_value() == "<b>Ask</b> us"
    page.fill("div[name=header_color] input.o_input", "#00AA00")
    expect(preview.locator(".o_livechat_preview_header")).to_have_css("background-color", "rgb(0, 170, 0)")

    # Channel Rules: "Add a line" opens "Create Rules" with Save & Close / Save & New
    open_tab(page, "Channel Rules")
    page.click(".o_field_one2many[name=rule_ids] .o_field_x2many_list_row_add a")
    dialog = page.locator(".modal:has(.modal-title:has-text('Create Rules'))")
    dialog.wait_for()
    timer = dialog.locator("input[name=auto_popup_timer]")
    assert not timer.is_visible(), "the timer only shows for Open automatically"
    assert not dialog.locator("div[name=chatbot_only_if_no_operator]").is_visible(), "only with a chatbot"
    dialog.locator("div[name=action] label").filter(has_text=re.compile(r"^Open automatically$")).click()
    timer.wait_for(state="visible")
    timer.fill("8")
    dialog.locator("input[name=regex_url]").fill("/shop")
    countries = dialog.locator("div[name=country_ids] input")
    countries.fill("Romania")
    page.locator(".ui-autocomplete a").filter(has_text=re.compile(r"^Romania$")).click()
    dialog.locator("div[name=country_ids] .badge:has-text('Romania')").wait_for()
    button(dialog.locator(".modal-footer"), "Save & New").click()
    dialog.locator("input[name=regex_url]").wait_for()
    page.wait_for_function("!document.querySelector('.modal input[name=regex_url]').value")
    dialog.locator("input[name=regex_url]").fill("/")
    button(dialog.locator(".modal-footer"), "Save & Close").click()
    page.wait_for_selector(".modal", state="detached")
    rows = page.locator(".o_field_one2many[name=rule_ids] .o_data_row")
    assert rows.count() == 2
    assert "Open automatically" in rows.nth(0).inner_text() and "Romania" in rows.nth(0).inner_text()
    assert "Show" in rows.nth(1).inner_text()

    page.click(".o_form_button_save")
    wait_saved(page)
    channel_id = int(re.search(r"[#&]id=(\d+)", page.url).group(1))

    # Widget: the <head> snippet and the direct link, each with a COPY button
    open_tab(page, "Widget")
    script_box = page.locator(".o_livechat_script_external")
    link_box = page.locator(".o_livechat_web_page")
    script = script_box.locator(".o_livechat_copy_value").inner_text()
    assert re.fullmatch(r'<script src="http://[^"]+/livechat/loader/%d\.js" defer></script>' % channel_id, script)
    link = link_box.locator(".o_livechat_copy_value").inner_text()
    assert link.endswith("/livechat/support/%d" % channel_id)
    assert script_box.locator("button").inner_text().strip() == "COPY"
    script_box.locator("button").click()
    page.wait_for_selector(".o_notification:has-text('Copied')")
    assert page.evaluate("navigator.clipboard.readText()") == script
    link_box.locator("button").click()
    page.wait_for_function("navigator.clipboard.readText().then(t => t.endsWith('/livechat/support/%d'))"
                           % channel_id)

    # everything was saved: reload the record and look again
    page.reload()
    page.wait_for_selector(".o_form_view.o_form_readonly")
    hide_chat_windows(page)
    open_tab(page, "Operators")
    cards = page.locator(".o_field_livechat_operators .o_kanban_record:not(.o_kanban_ghost)")
    assert sorted(cards.nth(i).locator(".o_kanban_record_title").inner_text() for i in range(cards.count())) \
        == ["Administrator", "Demo User"]
    open_tab(page, "Options")
    assert page.locator(".o_livechat_preview_button_text").inner_text() == "<b>Ask</b> us"
    assert page.locator("div[name=header_color]").inner_text().strip() == "#00AA00"
    open_tab(page, "Channel Rules")
    assert page.locator(".o_field_one2many[name=rule_ids] .o_data_row").count() == 2

    # breadcrumbs back to the dashboard, where the new channel has its card
    page.click(".o_control_panel .breadcrumb a:has-text('Website Live Chat Channels')")
    card = page.locator(".o_kanban_record:has-text('%s')" % name)
    card.wait_for()
    assert card.locator(".o_livechat_operator_avatar").count() == 2
    assert card.locator(".o_livechat_leave").is_visible()
    # Odoo 11 also logs the refused colour in the console: that one was expected
    unexpected = [error for error in page_errors if "#RRGGBB" not in error]
    assert not unexpected, unexpected


def click_join_or_leave(page, channel, label):
    """Click JOIN or LEAVE on a channel's card; then reload the dashboard, which shows what was saved.

    (Odoo 11 ignores a second click on the same kanban card within 300 ms, a double-click guard:
    the reload also gives the next click a fresh card.)"""
    card = page.locator(".o_kanban_record:has-text('%s')" % channel)
    css = {"JOIN": ".o_livechat_join", "LEAVE": ".o_livechat_leave"}
    assert card.locator(css[label]).inner_text().strip() == label
    card.locator(css[label]).click()
    other = "LEAVE" if label == "JOIN" else "JOIN"
    card.locator(css[other]).wait_for()
    open_dashboard(page)
    card.locator(css[other]).wait_for()
    return card


def test_join_and_leave_from_the_dashboard(admin_page, page_errors):
    page = admin_page
    open_dashboard(page)
    card = page.locator(".o_kanban_record:has-text('YourWebsite.com')")
    avatars = card.locator(".o_livechat_operator_avatar")
    before = avatars.count()
    # the administrator is an operator of the default channel; whatever the state, go there and back
    first, second, step = ("LEAVE", "JOIN", -1) if card.locator(".o_livechat_leave").count() else ("JOIN", "LEAVE", 1)
    click_join_or_leave(page, "YourWebsite.com", first)
    assert avatars.count() == before + step
    click_join_or_leave(page, "YourWebsite.com", second)
    assert avatars.count() == before
    # a click on the card opens the channel; the breadcrumbs lead back
    card.locator(".o_kanban_record_title").click()
    page.wait_for_selector(".o_form_view .oe_title")
    assert page.locator(".o_form_view .oe_title").inner_text().strip() == "YourWebsite.com"
    page.click(".o_control_panel .breadcrumb a:has-text('Website Live Chat Channels')")
    page.wait_for_selector(".o_kanban_record:has-text('YourWebsite.com')")
    assert not page_errors, page_errors


def test_operator_joins_without_edit_rights(page, page_errors):
    """The demo user is a Live Chat user: he sees the channels and joins, but cannot create."""
    login(page, "demo", "demo")
    open_dashboard(page)
    assert page.locator(".o_control_panel .o-kanban-button-new").count() == 0
    click_join_or_leave(page, "YourWebsite.com", "JOIN")
    click_join_or_leave(page, "YourWebsite.com", "LEAVE")
    assert not page_errors, page_errors


def test_online_chat_name_in_preferences(page, page_errors):
    login(page, "demo", "demo")
    page.click(".o_user_menu .dropdown-toggle")
    page.click(".o_user_menu a[data-menu=settings]")
    dialog = page.locator(".modal:has(input[name=livechat_username])")
    dialog.wait_for()
    assert "Online Chat Name" in dialog.inner_text()
    field = dialog.locator("input[name=livechat_username]")
    previous = field.input_value()
    field.fill("Marcus")
    button(dialog.locator(".modal-footer"), "Save").click()
    page.wait_for_selector(".modal", state="detached")
    page.reload()
    page.wait_for_selector("#oe_main_menu_navbar")
    page.click(".o_user_menu .dropdown-toggle")
    page.click(".o_user_menu a[data-menu=settings]")
    field = page.locator(".modal input[name=livechat_username]")
    assert field.input_value() == "Marcus"
    field.fill(previous)
    button(page.locator(".modal .modal-footer"), "Save").click()
    page.wait_for_selector(".modal", state="detached")
    assert not page_errors, page_errors


def save_settings(page):
    """Save: Odoo writes the settings, then reloads the web client."""
    with page.expect_navigation():
        button(page.locator(".o_control_panel"), "Save").click()
    page.wait_for_selector("#livechat_settings")


def test_website_settings_pick_the_channel(admin_page, page_errors):
    page = admin_page
    page.goto("/web#action=website.action_website_configuration")
    section = page.locator("#livechat_settings")
    section.wait_for()
    assert page.locator(".app_settings_block h2").filter(has_text=re.compile(r"^Live Chat$")).count() == 1
    field = section.locator("div[name=livechat_channel_id] input")
    previous = field.input_value()
    field.fill("Support")
    page.locator(".ui-autocomplete a").filter(has_text=re.compile(r"^Support$")).click()
    save_settings(page)
    assert page.locator("#livechat_settings div[name=livechat_channel_id] input").input_value() == "Support"
    # put back what was there, for the other tests
    field = page.locator("#livechat_settings div[name=livechat_channel_id] input")
    field.fill(previous)
    if previous:
        page.locator(".ui-autocomplete a").filter(has_text=re.compile(r"^%s$" % re.escape(previous))).click()
    save_settings(page)
    assert page.locator("#livechat_settings div[name=livechat_channel_id] input").input_value() == previous
    assert not page_errors, page_errors
