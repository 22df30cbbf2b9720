"""Settings for the test suite: the application's own, with a fixed key and a fast hasher."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("UNACTIONS_DATA_DIR", tempfile.mkdtemp(prefix="unactions-tests-"))

from unactions.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Most tests are about what editors do once logged in, with a password; those of
# two-step login (tests/test_two_factor.py) require it, as a deployment does by default.
UNACTIONS_TWO_FACTOR = "optional"
