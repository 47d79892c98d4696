from audience.views import contacts
from audience.views.segments import segment_patterns
from audience.views.suppression import suppression_patterns

app_name = "audience"

urlpatterns = segment_patterns + suppression_patterns + contacts.urlpatterns
