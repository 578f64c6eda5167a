"""Reference data every installation has: whatever the installed features seed (units, card
rules, towns, the work plan …). ``flask seed`` and every test app call this."""
from talent.core.features import run_seed


def seed_reference() -> dict:
    return run_seed()
