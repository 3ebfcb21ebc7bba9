"""The backend really renders in a browser (Python tests do not notice a blank web client)."""
from conftest import open_livechat_app


def test_backend_renders_livechat_app(admin_page, page_errors):
    page = admin_page
    page.goto("/web#action=livechat.livechat_channel_action_kanban")
    page.wait_for_selector(".o_kanban_view .o_kanban_record")
    # the default channel created at install is on the dashboard
    assert page.locator(".o_kanban_record:has-text('YourWebsite.com')").count() == 1
    assert page.locator("#oe_main_menu_navbar").is_visible()
    assert not page_errors, page_errors


def test_livechat_menu_opens_the_dashboard(admin_page, page_errors):
    page = admin_page
    open_livechat_app(page)
    page.wait_for_selector(".o_kanban_view .o_kanban_record")
    assert "Website Live Chat Channels" in page.locator(".breadcrumb").inner_text()
    assert not page_errors, page_errors


def test_login_and_website_pages(page, page_errors):
    for path in ("/web/login", "/"):
        response = page.goto(path)
        assert response.status == 200, path
    assert not page_errors, page_errors


def test_website_menu_opens_without_a_client_error(admin_page, page_errors):
    """The guide sends administrators to Website > Configuration > Settings: their first click on
    Website must open its dashboard, not an "Odoo Client Error"."""
    page = admin_page
    page.click("#oe_main_menu_navbar a[data-menu-xmlid='website.menu_website_configuration']")
    page.wait_for_selector(".o_content a.o_dashboard_action[name='website.action_website']", timeout=20000)
    page.wait_for_timeout(500)
    assert page.locator(".modal:has-text('Odoo Client Error')").count() == 0
    assert not page_errors, page_errors
    page.click(".o_sub_menu a[data-menu-xmlid='website.menu_website_website_settings']")
    page.wait_for_selector(".o_form_view h2:has-text('Live Chat'), .o_form_view :text('Live Chat')", timeout=20000)
    assert not page_errors, page_errors
