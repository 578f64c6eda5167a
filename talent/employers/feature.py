from talent.core.features import Feature, MenuEntry
from talent.core.permissions import Permission
from talent.employers import views
from talent.employers.models import KINDS

feature = Feature(
    name="employers",
    blueprints=(views.bp,),
    menu=(
        MenuEntry("employers.employer_list", "用人单位", "building", Permission.EMPLOYERS_MANAGE,
                  order=14, group="人才库"),
        MenuEntry("employers.desk", "本单位人才", "people", Permission.EMPLOYER_DESK, order=2),
    ),
    audit_objects={"employers": "用人单位", "employments": "用人单位人员"},
    audit_fields=lambda: {"employers": views.FIELD_LABELS, "employments": views.FIELD_LABELS},
    audit_values={("employers", "kind"): KINDS},
)
