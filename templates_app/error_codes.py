"""The codes of templates' error answers (see ``core.error_codes``).

A contact's render failure is also stored as its recipient's error code, so these values show
in the delivery reads too.
"""

from core.error_codes import ErrorCode


class TemplateErrorCode(ErrorCode):
    TEMPLATE_SYNTAX = "template_syntax"
    TEMPLATE_VARIABLE_MISSING = "template_variable_missing"
    MISSING_PARAMETER = "missing_parameter"
