"""The creation wizard: collects and validates; every step is saved to the draft as it goes.

Saving each step through ``campaigns.services.crud`` (instead of only at the end) is what
lets a marketer close the tab and come back: ``/dashboard/campaigns/<id>/edit/`` opens the
same wizard on the draft, pre-filled. Going back or jumping to another step also keeps what
was typed on the current step, valid or not.
"""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from formtools.wizard.views import SessionWizardView

from accounts.decorators import member_required
from accounts.request import AccountRequest
from campaigns.models import Campaign
from campaigns.selectors import campaign_get
from campaigns.services import crud
from campaigns.validation import validate_campaign
from campaigns.wizard import context as step_context
from campaigns.wizard.forms import (
    AudienceForm,
    AutomationForm,
    BasicsForm,
    MessageForm,
    PersonalizationForm,
    ReviewForm,
    SchedulingForm,
    SequenceForm,
    StepForm,
    VariantsForm,
)
from campaigns.wizard.initial import initial_for
from core.errors import ApplicationError, NotFound, ValidationFailed
from delivery import control

RESUME_KEY = "campaign_wizard_draft"

STEP_TITLES = {
    "basics": "Basics",
    "audience": "Audience",
    "message": "Message",
    "personalization": "Personalization",
    "variants": "Variants",
    "sequence": "Sequence",
    "automation": "Triggers & workflow",
    "scheduling": "Scheduling",
    "review": "Review & send",
}
# Which wizard step fixes a problem that validate_campaign reports, by its step tag.
PROBLEM_STEPS = {
    "basics": "basics",
    "audience": "audience",
    "message": "message",
    "scheduling": "scheduling",
    "variants": "variants",
}
# Where each crud error path is shown, per step, when the service refuses the step's data.
FIELD_FOR_PATH = {
    "name": "name",
    "phoneNumberId": "sender",
    "message.templateId": "template",
    "message.content": "message_content",
    "utmSource": "utm_source",
    "utmMedium": "utm_medium",
    "utmCampaign": "utm_campaign",
    "audience.segmentIds": "segments",
    "audience.excludeSegmentIds": "exclude_segments",
    "audience.customFilters": "custom_filters",
    "scheduling.startDate": "start_date",
    "scheduling.endDate": "end_date",
    "scheduling.deliveryTime": "delivery_time",
    "scheduling.timezone": "timezone",
}


# Why the wizard will not open a campaign, by its status.
NOT_EDITABLE = {
    Campaign.Status.SCHEDULED: "This campaign is scheduled: move it back to draft to edit it.",
    Campaign.Status.RUNNING: "This campaign is sending. Only drafts can be edited.",
    Campaign.Status.PAUSED: "This campaign is paused. Only drafts can be edited.",
    Campaign.Status.COMPLETED: "This campaign has finished; duplicate it to send it again.",
    Campaign.Status.FAILED: "This campaign has finished; duplicate it to send it again.",
    "": "Only drafts can be edited.",
}


def _campaign_type(wizard) -> str:
    data = wizard.storage.get_step_data("basics")
    if data is not None and data.get("basics-type"):
        return data.get("basics-type")
    draft = wizard.draft
    return draft.type if draft is not None else Campaign.Type.BROADCAST


def _type_is(kind: str):
    return lambda wizard: _campaign_type(wizard) == kind


class _StepRejected(Exception):
    def __init__(self, form):
        super().__init__("step rejected")
        self.form = form


@method_decorator(member_required(permission="edit"), name="dispatch")
class CampaignWizardView(SessionWizardView):
    form_list = [
        ("basics", BasicsForm),
        ("audience", AudienceForm),
        ("message", MessageForm),
        ("personalization", PersonalizationForm),
        ("variants", VariantsForm),
        ("sequence", SequenceForm),
        ("automation", AutomationForm),
        ("scheduling", SchedulingForm),
        ("review", ReviewForm),
    ]
    condition_dict = {
        "variants": _type_is(Campaign.Type.AB_TEST),
        "sequence": _type_is(Campaign.Type.DRIP),
        "automation": _type_is(Campaign.Type.AUTOMATION),
    }
    # Uploads are copied to permanent storage when their step is saved; this only holds them
    # between the POST and that copy.
    file_storage = FileSystemStorage(location=settings.MEDIA_ROOT / "wizard-uploads")

    # --- set-up -----------------------------------------------------------------------------

    def dispatch(self, request: AccountRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self._draft_cache = None
        self.campaign_id = kwargs.get("campaign_id")
        if self.campaign_id is not None:
            try:
                campaign = campaign_get(account=request.account, campaign_id=self.campaign_id)
            except NotFound:
                raise Http404("Campaign not found.") from None
            if campaign.status != Campaign.Status.DRAFT:
                messages.info(request, NOT_EDITABLE.get(campaign.status, NOT_EDITABLE[""]))
                return redirect("campaigns:detail", campaign.pk)
            self._draft_cache = campaign
        return super().dispatch(request, *args, **kwargs)

    def get_prefix(self, request: HttpRequest, *args: Any, **kwargs: Any) -> str:
        return f"campaign_wizard_{kwargs.get('campaign_id') or 'new'}"

    @property
    def draft(self) -> Campaign | None:
        if self._draft_cache is not None:
            return self._draft_cache
        campaign_id = self.storage.extra_data.get("campaign_id") if self.storage else None
        if campaign_id:
            try:
                campaign = campaign_get(account=self.request.account, campaign_id=campaign_id)
            except NotFound:
                return None
            if campaign.status == Campaign.Status.DRAFT:
                self._draft_cache = campaign
        return self._draft_cache

    def get(self, request: AccountRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().get(request, *args, **kwargs)
        if self._draft_cache is not None:
            self.storage.extra_data = {"campaign_id": self._draft_cache.pk}
        return response

    def get_form_kwargs(self, step: str | None = None) -> dict[str, object]:
        kwargs: dict[str, object] = {"account": self.request.account, "campaign": self.draft}
        if step == "personalization":
            kwargs["variables"] = step_context.message_variables(self.draft)
        return kwargs

    def get_form_initial(self, step: str) -> dict[str, object]:
        draft = self.draft
        return initial_for(step, draft) if draft is not None else {}

    def get_template_names(self) -> list[str]:
        return [f"campaigns/wizard/{self.steps.current}.html"]

    # --- saving as the user goes ------------------------------------------------------------

    def process_step(self, form: StepForm) -> QueryDict:
        step = self.steps.current
        data = form.to_data()
        if isinstance(form, MessageForm):
            kept = list(form.cleaned_data.get("media_urls") or [])
            data["media_urls"] = form.save_media(build_url=self._public_url) or kept
        if step != "review":
            self._save(step, form, data)
        return self.get_form_step_data(form)

    def _public_url(self, path: str) -> str:
        base = settings.PUBLIC_BASE_URL
        return f"{base}{path}" if base else self.request.build_absolute_uri(path)

    def process_step_files(self, form: StepForm) -> dict[str, UploadedFile]:
        # The upload was copied to permanent storage in process_step; keep no temp copy.
        return {}

    def _save(self, step: str, form, data: dict) -> None:
        account, user = self.request.account, self.request.user
        draft = self.draft
        try:
            if draft is None:
                if step != "basics":
                    form.add_error(None, "Start with the basics: the campaign has no name yet.")
                    raise _StepRejected(form)
                draft = crud.campaign_create(account=account, actor=user, data=data)
                self.storage.extra_data = {"campaign_id": draft.pk}
                self.request.session[RESUME_KEY] = draft.pk
            else:
                draft = crud.campaign_update(campaign=draft, actor=user, data=data, partial=True)
        except ValidationFailed as exc:
            for problem in exc.extra.get("problems") or [{"field": "", "message": exc.message}]:
                field = FIELD_FOR_PATH.get(problem.get("field", ""))
                form.add_error(field if field in form.fields else None, problem["message"])
            raise _StepRejected(form) from None
        self._draft_cache = draft

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        goto = self.request.POST.get("wizard_goto_step")
        try:
            if goto and goto in self.get_form_list():
                self._keep_current_step()
            return super().post(*args, **kwargs)
        except _StepRejected as rejected:
            return self.render(rejected.form)

    def _keep_current_step(self) -> None:
        """Going to another step saves this one if it is valid, and keeps its input if not.

        The review collects nothing: its POST (the Back button, a "Fix" link) carries none of
        its own buttons, so keeping it would keep an invalid form and bring back a false
        "Please correct the fields" banner the next time the review shows."""
        if self.steps.current == "review":
            return
        form = self.get_form(data=self.request.POST, files=self.request.FILES)
        if form.is_valid():
            try:
                stored = self.process_step(form)
            except _StepRejected:
                stored = self.get_form_step_data(form)
        else:
            stored = self.get_form_step_data(form)
        self.storage.set_step_data(self.steps.current, stored)
        for cached in ("_resolved_form_list", "_cache_signature"):
            self.__dict__.pop(cached, None)

    # --- pages ------------------------------------------------------------------------------

    def get_context_data(self, form: StepForm, **kwargs: Any) -> dict[str, object]:
        context = super().get_context_data(form=form, **kwargs)
        step = self.steps.current
        draft = self.draft
        steps = [(name, STEP_TITLES[name]) for name in self.get_form_list()]
        context.update(
            nav="campaigns",
            draft=draft,
            step_titles=steps,
            step_title=STEP_TITLES[step],
            step_number=self.steps.step1,
            can_jump=draft is not None,
        )
        context.update(
            step_context.for_step(step, form=form, draft=draft, account=self.request.account)
        )
        if step == "review" and draft is not None:
            result = validate_campaign(campaign=draft)
            context["problems"] = [
                {
                    "message": p.message,
                    "field": p.field,
                    "step": self._step_for_problem(p.step),
                    "step_title": STEP_TITLES.get(self._step_for_problem(p.step), ""),
                }
                for p in result.problems
            ]
        return context

    def _step_for_problem(self, tag: str) -> str:
        if tag == "workflow":
            return "automation" if _campaign_type(self) == Campaign.Type.AUTOMATION else "sequence"
        step = PROBLEM_STEPS.get(tag, "basics")
        return step if step in self.get_form_list() else "basics"

    # --- the end ----------------------------------------------------------------------------

    def render_revalidation_failure(self, step: str, form: StepForm, **kwargs: Any) -> HttpResponse:
        messages.error(self.request, f"Please check the “{STEP_TITLES[step]}” step.")
        return super().render_revalidation_failure(step, form, **kwargs)

    def done(
        self, form_list: list[StepForm], form_dict: dict[str, StepForm], **kwargs: Any
    ) -> HttpResponse:
        draft = self.draft
        self.request.session.pop(RESUME_KEY, None)
        if draft is None:
            messages.error(self.request, "The draft could not be found; start again.")
            return redirect("campaigns:create")
        action = form_dict["review"].cleaned_data["action"]
        if action == "draft":
            messages.success(self.request, f"“{draft.name}” is saved as a draft.")
            return redirect("campaigns:detail", draft.pk)
        if not self.request.membership.can("send"):
            messages.error(self.request, "Your role cannot send campaigns; it is saved as a draft.")
            return redirect("campaigns:detail", draft.pk)
        try:
            campaign = control.campaign_publish(campaign=draft, actor=self.request.user)
        except ApplicationError as exc:
            messages.error(self.request, exc.message)
            return redirect(reverse("campaigns:edit", args=[draft.pk]))
        if campaign.status == Campaign.Status.SCHEDULED:
            messages.success(self.request, f"“{campaign.name}” is scheduled.")
        else:
            messages.success(self.request, f"“{campaign.name}” is sending.")
        return redirect("campaigns:detail", campaign.pk)


def resume_draft_id(request: AccountRequest) -> int | None:
    """The draft this session was building, if it is still a draft of the account."""
    draft_id = request.session.get(RESUME_KEY)
    if not draft_id:
        return None
    exists = (
        Campaign.objects.for_account(request.account)
        .alive()
        .filter(pk=draft_id, status=Campaign.Status.DRAFT)
        .exists()
    )
    return draft_id if exists else None
