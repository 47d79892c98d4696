"""The six-step campaign creation wizard (django-formtools), plus type-specific steps."""
