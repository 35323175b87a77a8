"""schemathesis over every operation of the REST API's OpenAPI description
with a plain agent's key: no server error (5xx). A bounded run (fixed seed,
one example per operation and mode, at most ~100 s of requests) on a site
of its own, since the fuzzing creates, changes and deletes what the agent
may; bench/openapi_fuzz.py runs the long one (figures in
bench/RESULTS.md)."""
import sys
import time

import pytest

from conftest import ROOT, live_site

pytestmark = pytest.mark.filterwarnings('ignore')

SEED = 20261203
MAX_EXAMPLES = 1
SECONDS = 100


@pytest.fixture(scope='module')
def fuzz_site(tmp_path_factory):
    with live_site(tmp_path_factory, name='fuzz') as live:
        yield live


def test_no_server_error_as_agent(fuzz_site):
    pytest.importorskip('schemathesis')
    sys.path.insert(0, str(ROOT / 'bench'))
    try:
        from openapi_fuzz import fuzz
    finally:
        sys.path.remove(str(ROOT / 'bench'))
    cases, statuses, errors = fuzz(fuzz_site.url, fuzz_site.db,
        fuzz_site.api_key('agent'), max_examples=MAX_EXAMPLES, seed=SEED,
        timeout=60, deadline=time.monotonic() + SECONDS)
    assert not errors, errors[:10]
    # Most operations were reached, with answers of every kind
    assert cases >= 500, (cases, statuses)
    assert statuses[200] and statuses[400] and statuses[403], statuses
