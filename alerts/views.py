from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from publishing.queries import own_query

from .emails import send_confirmation, send_manage_link
from .forms import ManageLinkForm, SubscribeForm
from .models import Frequency, Subscriber, Subscription
from .protection import WINDOW_SECONDS, address_over_limit, client_over_limit, is_from_this_site
from .tokens import LinkProblem, read_confirm_token, read_manage_token


def problem(request, status, reason):
    return render(request, "alerts/problem.html", {"reason": reason}, status=status)


def refused(request):
    """The post did not come from this site's pages, or this client sent too many."""
    if not is_from_this_site(request):
        return problem(
            request,
            403,
            "We could not tell that this came from a page on this site, so we have not acted "
            "on it. This can happen if your browser or a privacy tool hides which page you "
            "were on.",
        )
    if client_over_limit(request):
        response = problem(
            request,
            429,
            "We have had a lot of requests from your connection in the last hour. "
            "Please try again later.",
        )
        response["Retry-After"] = str(WINDOW_SECONDS)
        return response
    return None


def check_your_email():
    return HttpResponseRedirect(reverse("alerts:check-your-email"), status=303)


# The forms sit on pages cached for everyone and set no cookies, so the posts are exempt
# from Django's cookie-based CSRF check and checked by Origin instead (as feedback's).


@require_safe
def subscribe_page(request):
    """The form. A "Get emails about this" link says what to choose (`?about=news`,
    `?about=priority-3`), and each of those is cached as a page of its own. A value the
    form does not offer shows it with nothing chosen; that, or any query string not
    written as the links write it, is answered but kept by no cache
    (publishing/queries.py)."""
    form = SubscribeForm()
    about = request.GET.get("about", "")
    if form.offers(about):
        form.initial["what"] = about
        own_query(request, about=about)
    return render(request, "alerts/subscribe.html", {"form": form})


@csrf_exempt
@never_cache
@require_POST
def subscribe(request):
    if response := refused(request):
        return response
    form = SubscribeForm(request.POST)
    if form.is_from_a_program:
        return check_your_email()
    if not form.is_valid():
        return render(request, "alerts/subscribe.html", {"form": form}, status=400)
    email = form.cleaned_data["email"]
    # The same answer whatever happens next, so nobody learns who subscribes.
    if not address_over_limit(email):
        what, priority_id = form.chosen()
        with transaction.atomic():
            subscriber = Subscriber.objects.for_email(email).first()
            if subscriber is None:
                subscriber = Subscriber.objects.create(email=email)
            lookup = {"priority_id": priority_id} if priority_id else {"what": what}
            subscription, _ = Subscription.objects.get_or_create(
                subscriber=subscriber, **lookup, defaults={"what": what}
            )
        send_confirmation(subscription, form.cleaned_data["how_often"])
    return check_your_email()


@require_safe
def check_email(request):
    return render(request, "alerts/check_your_email.html")


@never_cache
@require_safe
def confirm(request, token):
    try:
        subscription, frequency = read_confirm_token(token)
    except LinkProblem as problem_:
        # A link we never made is not found; one expired or used is a bad request.
        status = 404 if problem_.reason == "bad" else 400
        return render(
            request, "alerts/link_problem.html", {"reason": problem_.reason}, status=status
        )
    if frequency not in Frequency.values:
        return render(request, "alerts/link_problem.html", {"reason": "bad"}, status=404)
    subscription.confirm(frequency)
    subscriber = subscription.subscriber
    return render(
        request,
        "alerts/confirmed.html",
        {"subscription": subscription, "subscriptions": subscriber.subscriptions.confirmed()},
    )


@require_safe
def manage_link_page(request):
    return render(request, "alerts/manage_link.html", {"form": ManageLinkForm()})


@csrf_exempt
@never_cache
@require_POST
def send_manage(request):
    if response := refused(request):
        return response
    form = ManageLinkForm(request.POST)
    if form.is_from_a_program:
        return check_your_email()
    if not form.is_valid():
        return render(request, "alerts/manage_link.html", {"form": form}, status=400)
    email = form.cleaned_data["email"]
    if not address_over_limit(email):
        subscriber = Subscriber.objects.for_email(email).filter(confirmed_at__isnull=False).first()
        if subscriber is not None:
            send_manage_link(subscriber)
    return check_your_email()


def gone(request):
    return render(request, "alerts/link_problem.html", {"reason": "gone"}, status=404)


@csrf_exempt
@never_cache
def manage(request, token):
    subscriber = read_manage_token(token)
    if subscriber is None:
        return gone(request)
    if request.method == "POST":
        if not is_from_this_site(request):
            return refused(request)
        if "stop-all" in request.POST:
            subscriber.delete()
            return render(request, "alerts/stopped.html")
        for subscription in subscriber.subscriptions.confirmed():
            if f"stop-{subscription.pk}" in request.POST:
                subscription.delete()
            else:
                chosen = request.POST.get(f"how-often-{subscription.pk}")
                if chosen in Frequency.values and chosen != subscription.frequency:
                    subscription.frequency = chosen
                    subscription.save(update_fields=["frequency", "updated_at"])
        if subscriber.delete_if_unsubscribed():
            return render(request, "alerts/stopped.html")
        return HttpResponseRedirect(request.path + "?saved=1", status=303)
    if request.method not in ("GET", "HEAD"):
        response = problem(request, 405, "This page only shows your alerts.")
        response["Allow"] = "GET, HEAD, POST"
        return response
    subscriptions = subscriber.subscriptions.confirmed().select_related("priority")
    context = {
        "subscriptions": subscriptions,
        "frequencies": Frequency.choices,
        "saved": "saved" in request.GET,
    }
    return render(request, "alerts/manage.html", context)


@csrf_exempt
@never_cache
def unsubscribe(request, token):
    """The List-Unsubscribe link: a mail program's one-click post (RFC 8058, which
    carries no Origin, so the signed link is the proof) or a person's button stops
    every email to the address."""
    subscriber = read_manage_token(token)
    if subscriber is None:
        return gone(request)
    if request.method == "POST":
        subscriber.delete()
        return render(request, "alerts/stopped.html")
    return render(request, "alerts/unsubscribe.html")
