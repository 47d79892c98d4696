"""The REST API: one NinjaAPI, each app contributing a router."""

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja import NinjaAPI
from ninja.operation import Operation
from ninja.parser import Parser

from accounts.api_auth import ApiKeyAuth, api_key_errors_install
from core.api import AccountSessionAuth, install_error_handlers
from core.errors import ValidationFailed
from core.middleware import pairs_problems


class StorableFormParser(Parser):
    """Form fields of multipart calls (the CSV import) pass the request guard's check as the
    parser reads them; query strings and JSON bodies are checked in ``core.middleware``."""

    def parse_querydict(
        self, data: MultiValueDict[str, str], list_fields: list[str], request: HttpRequest
    ) -> dict[str, str | list[str]]:
        if data is request.POST:
            problems = pairs_problems(data.lists())
            if problems:
                raise ValidationFailed(
                    "; ".join(f"{p['field']}: {p['message']}" for p in problems),
                    extra={"problems": problems},
                )
        return super().parse_querydict(data, list_fields, request)


# Operation ids are ninja's "<module>_<function>"; a handler that moved keeps the id clients
# generated their code from.
MOVED_HANDLERS = {
    "delivery.api": "campaigns.api_execution",
    "analytics.api": "campaigns.api_execution",
}


class CampaignsAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        module = operation.view_func.__module__
        module = MOVED_HANDLERS.get(module, module)
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")


api = CampaignsAPI(
    title="Campaigns API",
    version="1.0.0",
    description="Campaigns, audiences, templates and delivery. Authenticate with "
    "`Authorization: Bearer <API key>`. An owner or a manager of the account creates keys on "
    "the API keys page (`/accounts/api-keys/`, linked in the top bar) or with "
    "`manage.py create_api_key <account-slug>`; marketers and viewers ask one of them for a "
    "key. A signed-in browser session works too.",
    auth=[ApiKeyAuth(), AccountSessionAuth()],
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    parser=StorableFormParser(),
)
install_error_handlers(api)
api_key_errors_install(api)

# Routers register themselves in app modules; import order only affects the docs' order.
from audience.api import router as audience_router  # noqa: E402
from campaigns.api import router as campaigns_router  # noqa: E402
from campaigns.api_review import router as review_router  # noqa: E402
from messaging.api import router as messaging_router  # noqa: E402
from templates_app.api import router as templates_router  # noqa: E402

api.add_router("/campaigns", campaigns_router)
api.add_router("/campaigns", review_router)
api.add_router("/campaign-templates", templates_router)
api.add_router("/", audience_router)
api.add_router("/", messaging_router)
from analytics.api import router as analytics_router  # noqa: E402
from analytics.api_conversions import router as conversions_router  # noqa: E402
from analytics.exports.api import router as exports_router  # noqa: E402
from delivery.api import router as execution_router  # noqa: E402

api.add_router("/campaigns", execution_router)
api.add_router("/campaigns", analytics_router)
api.add_router("/", conversions_router)
api.add_router("/", exports_router)
