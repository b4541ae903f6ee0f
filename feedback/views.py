from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe

from .forms import PageFeedbackForm
from .models import COMMENT_MAX_LENGTH, PATH_MAX_LENGTH, validate_local_path
from .protection import RATE_WINDOW_SECONDS, is_from_this_site, is_over_rate_limit


def local_path_or_none(value):
    """The path to link back to, if it is one the form would accept."""
    try:
        validate_local_path(value or "")
    except ValidationError:
        return None
    return value if len(value) <= PATH_MAX_LENGTH else None


def problem(request, status, reason, back=None, form=None):
    """A page that says what went wrong and links back; the status says it to machines."""
    context = {"reason": reason, "back": back, "form": form, "limit": COMMENT_MAX_LENGTH}
    return render(request, "feedback/problem.html", context, status=status)


# Exempt from Django's CSRF check, which needs a cookie: the form is on public pages
# that are cached for everyone and set no cookies. is_from_this_site() checks the
# Origin (or Referer) instead, which is what the CSRF check relies on for HTTPS too.
@csrf_exempt
@never_cache
def submit(request):
    """Receives "Was this page useful?" from the form at the foot of every page."""
    if request.method != "POST":
        response = render(request, "feedback/only_from_the_form.html", status=405)
        response["Allow"] = "POST"
        return response
    try:
        data = request.POST
    except (RequestDataTooBig, TooManyFieldsSent):
        return problem(request, 400, "What was sent was too big to be an answer from the form.")
    back = local_path_or_none(data.get("page_path"))

    if not is_from_this_site(request):
        return problem(
            request,
            403,
            "We could not tell that your answer came from a page on this site, so we have "
            "not kept it. This can happen if your browser or a privacy tool hides which "
            "page you were on.",
            back,
        )
    if is_over_rate_limit(request):
        response = problem(
            request,
            429,
            "We have had a lot of answers from your connection in the last few minutes, "
            "so we have not kept this one. Please try again in 10 minutes.",
            back,
        )
        response["Retry-After"] = str(RATE_WINDOW_SECONDS)
        return response

    form = PageFeedbackForm(data)
    if form.is_from_a_program or form.is_valid():
        if not form.is_from_a_program:
            form.save()
        thanks = reverse("feedback:thanks")
        if back:
            thanks += "?" + urlencode({"page": back})
        return HttpResponseRedirect(thanks, status=303)

    if back is None or "page_path" in form.errors:
        return problem(request, 400, "We could not tell which page you were on.")
    return problem(request, 400, "Please check your answer and send it again.", back, form)


@require_safe
def thanks(request):
    # Any local path is linked back to, and a page of this site cannot be told from an
    # invented one without rendering it; so this view calls no ?page= its own
    # (publishing/queries.py) and no cache keeps the page with one. Each is seen after
    # one visitor's answer, and answers are rate-limited.
    back = local_path_or_none(request.GET.get("page"))
    return render(request, "feedback/thanks.html", {"back": back})
