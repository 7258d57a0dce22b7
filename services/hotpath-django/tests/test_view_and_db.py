import hashlib
import re

from django.db import connection
from opentelemetry.trace import SpanKind

from hotpath_django.db import params_hash

ITEM_QUERY = re.compile(r'WHERE "hp_testapp_item"\."id" = %s')


def item_lookups(spans):
    return [s for s in spans.all() if s.kind is SpanKind.CLIENT and ITEM_QUERY.search(s.attributes.get("db.statement", ""))]


def test_request_span_carries_the_view_dotted_path(client, spans):
    client.get("/plain/")
    request = spans.request_span()
    assert request.attributes["hotpath.django.view"] == "hp_testapp.views.plain"
    assert request.attributes["code.function.name"] == "hp_testapp.views.plain"


def test_view_path_can_be_switched_off(client, spans, reconfigure):
    reconfigure(view_path=False)
    client.get("/plain/")
    assert "hotpath.django.view" not in spans.request_span().attributes


def test_duplicate_queries_share_a_params_hash_and_n_plus_one_queries_do_not(client, spans):
    client.get("/queries/")
    lookups = item_lookups(spans)
    assert len(lookups) == 4
    hashes = [s.attributes["hotpath.db.params_hash"] for s in lookups]
    assert hashes[0] == hashes[1]  # pk=1 twice: duplicate
    assert len({hashes[1], hashes[2], hashes[3]}) == 3  # pk=1, 2, 3: same SQL, other parameters
    assert all(re.fullmatch(r"[0-9a-f]{16}", h) for h in hashes)


def test_db_spans_carry_no_parameter_values_by_default(client, spans):
    client.get("/queries/")
    for span in item_lookups(spans):
        assert "hotpath.db.params" not in span.attributes
        assert "db.statement.parameters" not in span.attributes


def test_params_hash_is_keyed_so_a_plain_hash_of_the_values_does_not_match():
    plain = hashlib.sha256(repr((1,)).encode()).hexdigest()[:16]
    assert params_hash((1,)) != plain
    assert params_hash((1,)) == params_hash([1])
    assert params_hash((1,)) != params_hash((2,))


def test_params_hash_only_lands_on_the_db_client_span_not_its_parent(client, spans):
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s", [7])
    (db_span,) = [s for s in spans.all() if s.kind is SpanKind.CLIENT]
    assert db_span.attributes["hotpath.db.params_hash"] == params_hash([7])


def test_params_hash_can_be_switched_off(client, spans, reconfigure):
    reconfigure(params_hash=False)
    client.get("/queries/")
    assert all("hotpath.db.params_hash" not in s.attributes for s in item_lookups(spans))
