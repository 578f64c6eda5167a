from talent.core.features import Feature
from talent.jobs import operations, views

feature = Feature(
    name="jobs",
    blueprints=(views.bp,),
    background=operations.run_next,
    daily=operations.remove_expired,
)
