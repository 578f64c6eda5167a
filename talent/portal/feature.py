from talent.core.features import Feature, MenuEntry
from talent.core.permissions import Permission
from talent.portal import views

feature = Feature(
    name="portal",
    blueprints=(views.bp,),
    menu=(MenuEntry("portal.home", "我的", "person-badge", Permission.PORTAL, order=1),),
)
