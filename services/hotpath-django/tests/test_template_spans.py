import pytest
from django.template import Context, Template, engines
from opentelemetry.trace import SpanKind, StatusCode


def test_django_template_render_has_a_span_with_name_and_engine(client, spans):
    assert client.get("/page/").status_code == 200
    page = spans.one("django.template.render hp/page.html")
    assert page.kind is SpanKind.INTERNAL
    assert page.attributes["hotpath.kind"] == "template"
    assert page.attributes["hotpath.template.name"] == "hp/page.html"
    assert page.attributes["hotpath.template.engine"] == "django"


def test_django_include_spans_nest_under_the_including_template(client, spans):
    client.get("/page/")
    page = spans.one("django.template.render hp/page.html")
    items = spans.named("django.template.render hp/item.html")
    assert len(items) == 2  # one include per loop iteration
    assert all(spans.parent_of(item) == page for item in items)


def test_jinja2_render_and_include_spans_nest_and_name_the_engine(client, spans):
    response = client.get("/jinja/")
    assert response.status_code == 200 and b"<li>b</li>" in response.content
    page = spans.one("django.template.render hp/page.jinja")
    assert page.attributes["hotpath.template.engine"] == "jinja2"
    items = spans.named("django.template.render hp/item.jinja")
    assert len(items) == 2
    assert all(spans.parent_of(item) == page for item in items)
    assert all(item.attributes["hotpath.template.engine"] == "jinja2" for item in items)


def test_template_built_from_a_string_is_named_string(spans):
    engines["django"].from_string("{{ x }}").render({"x": 1})
    assert spans.one("django.template.render <string>").attributes["hotpath.template.name"] == "<string>"


def test_template_error_marks_the_span_as_error_and_still_raises(spans):
    class Boom:
        def __str__(self):
            raise RuntimeError("render failure")

    with pytest.raises(RuntimeError, match="render failure"):
        Template("{{ boom }}").render(Context({"boom": Boom()}))
    span = spans.one("django.template.render <string>")
    assert span.status.status_code is StatusCode.ERROR
    assert span.events[0].name == "exception"


def test_template_spans_can_be_switched_off(client, spans, reconfigure):
    reconfigure(template_spans=False)
    client.get("/page/")
    client.get("/jinja/")
    assert spans.with_prefix("django.template.render") == []


def _render_a_form_field():
    from django import forms

    class NameForm(forms.Form):
        name = forms.CharField()

    return str(NameForm()["name"])


def test_form_widget_templates_are_skipped_by_default(spans):
    assert "<input" in _render_a_form_field()
    assert [s for s in spans.with_prefix("django.template.render django/forms/widgets/")] == []


def test_skipped_template_prefixes_are_configurable(spans, reconfigure):
    reconfigure(template_skip_prefixes=())
    _render_a_form_field()
    widget = spans.one("django.template.render django/forms/widgets/text.html")
    assert widget.attributes["hotpath.template.engine"] == "django"
