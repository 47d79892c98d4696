"""Every page works in Chromium under the Content-Security-Policy.

A marketer and a staff user open every page they can reach; the test fails on any console
error, uncaught exception or ``securitypolicyviolation`` event (popups included), and checks
that what used to hang on inline handlers still works: the confirm dialogs, the account
switcher, the API-key copy button, the progress bars, the admin's actions, autocomplete and
popups, and the API docs.
"""

import re

import pytest
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from accounts.models import Account, ApiKey, Role
from accounts.services import api_key_create
from audience.models import Contact, ImportJob, Segment, Tag
from audience.tasks import contacts_import
from campaigns.models import AutomationTrigger, Campaign
from messaging.models import Sender
from templates_app.models import MessageTemplate
from tests.factories import (
    AttributeDefinitionFactory,
    CampaignFactory,
    ContactFactory,
    MembershipFactory,
    MessageTemplateFactory,
    SegmentFactory,
    SenderFactory,
    SuppressionEntryFactory,
    TagFactory,
    UserFactory,
    VariantFactory,
    WorkflowStepFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.django_db(transaction=True)]


class PolicyWatch:
    """Every CSP violation, console error and uncaught exception of a browser context.

    The listener is injected by Playwright before any page script (and is not itself subject
    to the page's policy); it reports through a binding, so what happened on a page is kept
    after the page navigates away, and popups are watched like the page that opened them.
    """

    def __init__(self, context):
        self.problems: list[str] = []
        context.expose_binding("__reportViolation", self._violation)
        context.add_init_script(
            "document.addEventListener('securitypolicyviolation', (e) => window.__reportViolation("
            "`${e.effectiveDirective} refused ${e.blockedURI || 'inline'}"
            " (${e.sourceFile}:${e.lineNumber}) on ${location.pathname}`));"
        )
        context.on("console", self._console)
        context.on("weberror", lambda error: self.problems.append(f"uncaught: {error.error}"))

    def _violation(self, _source, report):
        self.problems.append(f"CSP: {report}")

    def _console(self, message):
        source = (message.location or {}).get("url", "")
        # The admin's pages name no icon, so Chromium asks for /favicon.ico on its own and logs
        # the 404; that request is the browser's, not a page's, and no policy is involved.
        if message.type == "error" and not source.endswith("/favicon.ico"):
            where = message.page.url if message.page else "?"
            self.problems.append(f"console: {message.text} ({source}) on {where}")

    def take(self) -> list[str]:
        found, self.problems = self.problems, []
        return found


def _visit(page, url):
    response = page.goto(url)
    assert response is not None, url
    assert response.status == 200, f"{url}: {response.status}"
    assert response.headers.get("content-security-policy"), f"{url} has no policy"
    page.wait_for_load_state("networkidle")


def _confirm_dismissed(page, button, message):
    """Clicking asks ``message``; "Cancel" sends nothing (no request leaves the page)."""
    seen, posts = [], []

    def answer(dialog):
        seen.append((dialog.type, dialog.message))
        dialog.dismiss()

    def record(request):
        if request.method == "POST":
            posts.append(request.url)

    page.once("dialog", answer)
    page.on("request", record)
    button.click()
    page.wait_for_timeout(500)  # time for a form that was sent anyway to leave
    page.remove_listener("request", record)
    assert seen == [("confirm", message)]
    assert posts == []


def _confirm_accepted(page, button, message):
    """Clicking asks ``message``; "OK" sends the form."""
    seen = []

    def answer(dialog):
        seen.append((dialog.type, dialog.message))
        dialog.accept()

    page.once("dialog", answer)
    with page.expect_navigation():
        button.click()
    page.wait_for_load_state("networkidle")
    assert seen == [("confirm", message)]


def _next_step(page):
    with page.expect_navigation():
        page.click("button[data-next]")
    page.wait_for_load_state("networkidle")


def _sign_in(page, live_server, user):
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": django_settings.SESSION_COOKIE_NAME,
                "value": client.cookies[django_settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


@pytest.fixture
def site(account, other_account, user):
    """An account with something on every page, a staff owner who is also in a second one."""
    staff = UserFactory(username="staff", is_staff=True, is_superuser=True)
    MembershipFactory(user=staff, account=account, role=Role.OWNER)
    MembershipFactory(user=staff, account=other_account, role=Role.MARKETER)
    AttributeDefinitionFactory(account=account, key="city", label="City")
    contacts = [
        ContactFactory(account=account, first_name=name, attributes={"city": "Paris"})
        for name in ("Ada", "Blaise", "Chloé")
    ]
    contacts[0].tags.add(TagFactory(account=account, name="vip"))
    TagFactory(account=account, name="old-tag")
    SuppressionEntryFactory(account=account)
    sender = SenderFactory(account=account, name="Main line")
    template = MessageTemplateFactory(account=account, name="spring_sale")
    segment = SegmentFactory(account=account, name="Parisians")
    doomed_segment = SegmentFactory(account=account, name="Old list")
    running = CampaignFactory(
        account=account,
        sender=sender,
        name="Summer launch",
        status="running",
        total_recipients=1000,
        total_sent=400,
        total_delivered=380,
    )
    draft = CampaignFactory(account=account, sender=sender, name="Spring sale", status="draft")
    draft.segments.set([segment])
    ab_test = CampaignFactory(account=account, sender=sender, name="Split", type="ab-test")
    VariantFactory(campaign=ab_test, key="A")
    VariantFactory(campaign=ab_test, key="B")
    drip = CampaignFactory(account=account, sender=sender, name="Welcome drip", type="drip")
    WorkflowStepFactory(campaign=drip)
    automation = CampaignFactory(
        account=account, sender=sender, name="Cart abandonment", type="automation"
    )
    AutomationTrigger.objects.create(
        campaign=automation, type=AutomationTrigger.Type.USER_ACTION, condition={"event": "cart"}
    )
    key, _ = api_key_create(account=account, name="Old integration")
    return {
        "staff": staff,
        "contacts": contacts,
        "sender": sender,
        "template": template,
        "segment": segment,
        "doomed_segment": doomed_segment,
        "running": running,
        "draft": draft,
        "other_types": [ab_test, drip, automation],
        "key": key,
    }


def _assert_bar_filled(page, percent):
    bar = page.locator(f'.progress[aria-valuenow="{percent}"] > span').first
    expect(bar).to_be_visible()
    assert bar.evaluate("(span) => span.style.width") == f"{percent}%"


def test_the_watch_sees_a_refused_inline_script(live_server, signed_in_page):
    page = signed_in_page
    watch = PolicyWatch(page.context)
    _visit(page, f"{live_server.url}/dashboard/campaigns/")
    assert watch.take() == []

    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = true'; document.head.appendChild(s); }"
    )

    assert page.evaluate("() => window.ran === undefined")
    problems = watch.take()
    assert any(p.startswith("CSP: script-src-elem refused inline") for p in problems), problems


def test_a_marketer_s_pages_work_under_the_policy(
    live_server, signed_in_page, site, settings, tmp_path
):
    page = signed_in_page
    base = live_server.url
    watch = PolicyWatch(page.context)
    running, draft = site["running"], site["draft"]
    settings.MEDIA_ROOT = tmp_path  # the import below stores its file there

    # campaigns: list, details, preview, queues
    for path in (
        "/dashboard/campaigns/",
        "/dashboard/campaigns/?status=running",
        f"/dashboard/campaigns/{draft.pk}/",
        f"/dashboard/campaigns/{draft.pk}/preview/",
        "/dashboard/campaigns/queue/",
        f"/dashboard/campaigns/{running.pk}/queue/",
    ):
        _visit(page, base + path)
    # a running campaign's stats poll; the bar of every swapped-in copy is filled too
    _visit(page, f"{base}/dashboard/campaigns/{running.pk}/")
    _assert_bar_filled(page, 40)
    stats = f"#live-stats-{running.pk}"
    page.evaluate(f"() => {{ document.querySelector('{stats}').dataset.first = 'yes'; }}")
    page.wait_for_function(f"() => !document.querySelector('{stats}').dataset.first")
    _assert_bar_filled(page, 40)
    assert watch.take() == []

    # the wizard, every step of a new broadcast; the audience step shows the rule builder
    _visit(page, f"{base}/dashboard/campaigns/create/")
    page.fill("#id_basics-name", "Browser campaign")
    page.check("input[name='basics-type'][value='broadcast']")
    _next_step(page)
    with page.expect_response(re.compile(r"/wizard/reach/")):
        page.check("input[name='audience-audience_type'][value='custom']")
    expect(page.locator("[data-audience-panel='custom']")).to_be_visible()
    with page.expect_response(re.compile(r"/wizard/reach/")):
        page.check("input[name='audience-audience_type'][value='segment']")
        page.check(f"input[name='audience-segments'][value='{site['segment'].pk}']")
    _next_step(page)
    page.select_option("#id_message-sender", str(site["sender"].pk))
    page.check("input[name='message-message_type'][value='text']")
    page.fill("#id_message-message_content", "Hello {{first_name}}")
    _next_step(page)
    _next_step(page)
    page.check("input[name='scheduling-when'][value='now']")
    _next_step(page)
    expect(page.locator(".page-header")).to_contain_text("Step 6 of 6")
    assert watch.take() == []

    # the steps only some types have, through the step bar of their drafts
    steps = {"variants": "Variants", "sequence": "Sequence", "automation": "Triggers & workflow"}
    for campaign, (step, title) in zip(site["other_types"], steps.items(), strict=True):
        _visit(page, f"{base}/dashboard/campaigns/{campaign.pk}/edit/")
        with page.expect_navigation():
            page.click(f"button[name='wizard_goto_step'][value='{step}']")
        page.wait_for_load_state("networkidle")
        expect(page.locator(".page-header")).to_contain_text(f": {title}")
    assert watch.take() == []

    # templates, audience
    for path in (
        "/dashboard/campaigns/templates/",
        "/dashboard/campaigns/templates/new/",
        f"/dashboard/campaigns/templates/{site['template'].pk}/",
        "/dashboard/audience/contacts/",
        "/dashboard/audience/contacts/new/",
        f"/dashboard/audience/contacts/{site['contacts'][1].pk}/",
        "/dashboard/audience/segments/",
        "/dashboard/audience/segments/new/",
        f"/dashboard/audience/segments/{site['segment'].pk}/",
        "/dashboard/audience/suppression/",
        "/dashboard/messaging/senders/",
    ):
        _visit(page, base + path)
    assert watch.take() == []

    # an import: upload, map the columns, watch the job page fill its bar when the task runs
    _visit(page, f"{base}/dashboard/audience/contacts/import/")
    page.get_by_label("CSV file").set_input_files(
        {"name": "people.csv", "mimeType": "text/csv", "buffer": b"Tel,Nick\n+33612345678,Ada\n"}
    )
    page.get_by_role("button", name="Upload").click()
    page.get_by_label("Import column Tel as").select_option("phone")
    page.get_by_role("button", name="Import").click()
    expect(page.locator("#import-progress")).to_contain_text("Waiting for a worker")
    contacts_import(ImportJob.objects.get(account=draft.account).pk)
    expect(page.locator("#import-progress")).to_contain_text("Completed", timeout=10_000)
    _assert_bar_filled(page, 100)
    assert watch.take() == []

    # confirm dialogs: "Cancel" sends nothing, "OK" sends the form
    doomed = site["doomed_segment"]
    _visit(page, f"{base}/dashboard/audience/segments/")
    delete_doomed = page.locator(f"form[action$='/segments/{doomed.pk}/delete/'] button")
    _confirm_dismissed(page, delete_doomed, "Delete this segment?")
    assert Segment.objects.filter(pk=doomed.pk).exists()
    _confirm_accepted(page, delete_doomed, "Delete this segment?")
    assert not Segment.objects.filter(pk=doomed.pk).exists()

    _visit(page, f"{base}/dashboard/campaigns/{draft.pk}/")
    delete_draft = page.locator("button[data-action='delete']")
    question = "Delete this campaign? You can restore it later from the Deleted view."
    _confirm_dismissed(page, delete_draft, question)
    assert Campaign.objects.get(pk=draft.pk).deleted_at is None
    _confirm_accepted(page, delete_draft, question)
    assert Campaign.objects.get(pk=draft.pk).deleted_at is not None

    contact = site["contacts"][2]
    _visit(page, f"{base}/dashboard/audience/contacts/{contact.pk}/")
    delete_contact = page.locator(f"form[action$='/contacts/{contact.pk}/delete/'] button")
    _confirm_accepted(page, delete_contact, "Delete this contact? This cannot be undone.")
    assert not Contact.objects.filter(pk=contact.pk).exists()

    template = site["template"]
    _visit(page, f"{base}/dashboard/campaigns/templates/")
    delete_template = page.locator(f"form[action$='/templates/{template.pk}/delete/'] button")
    _confirm_dismissed(page, delete_template, f"Delete the template “{template.name}”?")
    assert MessageTemplate.objects.filter(pk=template.pk).exists()
    assert watch.take() == []


def test_a_staff_user_s_pages_work_under_the_policy(live_server, browser_page, site, account):
    page = browser_page
    base = live_server.url
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base)
    _sign_in(page, live_server, site["staff"])
    watch = PolicyWatch(page.context)

    # the pages an owner has beyond a marketer's
    sender = site["sender"]
    for path in (
        "/dashboard/messaging/senders/",
        "/dashboard/messaging/senders/new/",
        f"/dashboard/messaging/senders/{sender.pk}/",
        "/accounts/api-keys/",
    ):
        _visit(page, base + path)

    # sender delete asks first (dismissed here)
    _visit(page, f"{base}/dashboard/messaging/senders/")
    delete_sender = page.locator(f"form[action$='/senders/{sender.pk}/delete/'] button")
    _confirm_dismissed(page, delete_sender, "Delete “Main line”?")
    assert Sender.objects.filter(pk=sender.pk).exists()

    # API keys: a new key is selected on focus and copied by the button; revoking asks first
    _visit(page, f"{base}/accounts/api-keys/")
    page.get_by_label("Name").fill("Zapier")
    with page.expect_navigation():
        page.get_by_role("button", name="Create key").click()
    raw = page.input_value("#raw-key")
    assert raw.startswith("cmp_")
    page.focus("#raw-key")
    assert page.evaluate(
        "() => { const i = document.getElementById('raw-key');"
        " return i.selectionStart === 0 && i.selectionEnd === i.value.length; }"
    )
    copy = page.locator("button[data-copy='raw-key']")
    copy.click()
    expect(copy).to_have_text("Copied")
    assert page.evaluate("() => navigator.clipboard.readText()") == raw
    old_key = site["key"]
    revoke = page.locator(f"form[action$='/api-keys/{old_key.pk}/revoke/'] button")
    _confirm_accepted(
        page, revoke, "Revoke “Old integration”? Programs using it stop working at once."
    )
    assert ApiKey.objects.get(pk=old_key.pk).revoked_at is not None
    assert watch.take() == []

    # the account switcher sends its form on change
    _visit(page, f"{base}/dashboard/campaigns/")
    with page.expect_navigation():
        page.select_option("#account-switch", label="Rival")
    expect(page.locator(".messages")).to_contain_text("You are now working in Rival.")
    expect(page.locator("#account-switch option:checked")).to_have_text("Rival")
    assert watch.take() == []

    # the admin: index, changelist, change form
    for path in (
        "/admin/",
        "/admin/campaigns/campaign/",
        f"/admin/campaigns/campaign/{site['running'].pk}/change/",
        "/admin/audience/contact/",
        f"/admin/audience/contact/{site['contacts'][0].pk}/change/",
    ):
        _visit(page, base + path)
    assert watch.take() == []

    # a changelist action with its confirmation page
    old_tag = Tag.objects.get(account=account, name="old-tag")
    _visit(page, f"{base}/admin/audience/tag/")
    page.check(f"input[name='_selected_action'][value='{old_tag.pk}']")
    expect(page.locator(".action-counter")).to_contain_text("1 of 2 selected")
    page.select_option("select[name='action']", "delete_selected")
    with page.expect_navigation():
        page.click("button[name='index']")
    with page.expect_navigation():
        page.click("input[type='submit']")
    expect(page.locator(".messagelist")).to_contain_text("Successfully deleted 1")
    assert not Tag.objects.filter(pk=old_tag.pk).exists()
    assert watch.take() == []

    # autocomplete and the add-another popup on an add form
    _visit(page, f"{base}/admin/audience/tag/add/")
    page.locator("#id_account + .select2 .select2-selection").click()
    page.locator(".select2-search__field").fill("Acm")
    page.locator(".select2-results__option", has_text="Acme").click()
    expect(page.locator("#id_account")).to_have_value(str(account.pk))
    with page.expect_popup() as popup_info:
        page.click("#add_id_account")
    popup = popup_info.value
    popup.wait_for_load_state("networkidle")
    popup.locator("#id_name").press_sequentially("Popup Co")
    expect(popup.locator("#id_slug")).to_have_value("popup-co")  # prepopulated by admin JS
    with popup.expect_event("close"):
        popup.click("input[name='_save']")
    new_account = Account.objects.get(slug="popup-co")
    expect(page.locator("#id_account")).to_have_value(str(new_account.pk))
    page.fill("#id_name", "from-popup")
    with page.expect_navigation():
        page.click("input[name='_save']")
    assert Tag.objects.filter(account=new_account, name="from-popup").exists()
    assert watch.take() == []

    # the API docs: Swagger UI from our static files, fed by the schema
    _visit(page, f"{base}/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Campaigns API")
    expect(page.locator(".opblock").first).to_be_visible()
    assert watch.take() == []
