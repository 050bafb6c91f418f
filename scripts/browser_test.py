#!/usr/bin/env python3
"""Browser tests for Aftercare's server-rendered pages: Selenium 4 driving Debian's Chromium.

    python3 scripts/browser_test.py [--base-url http://127.0.0.1:8080] [--screenshots DIR]

Runs against a server started with `aftercare serve --demo` (demo logins, password
`aftercare-demo`). Scenarios, each in a fresh cookie jar:

  staff-flow     agent: home, request list (filter, search, sort, next page), register a
                 request (validation error, duplicate warning), triage -> resolution,
                 printable registration form in zh-Hans (screenshot + PDF), sign out
  portal         customer2 submits a request; customer1 submits and follows one, then must
                 get a 404 for customer2's request and no staff request list
  languages      the switcher on the sign-in page and on a signed-in page, all four languages
  role-homes     admin, manager, dispatcher, engineer land on their home sections
  phone          375x812: request list and portal home
  login-errors   a wrong password and an unknown login show #login-error (runs last, so that
                 failed sign-ins cannot lock an account the other scenarios use)

Every page visited is saved as a numbered PNG (full page) in DIR. Each check prints a PASS or
FAIL line; a failing check also saves NNN-FAIL-....png and .html (page source). A failed
precondition ends its scenario, the others still run. Exit status 1 on any failure. The last
lines are `browser: N passed, N failed` and the absolute path of DIR.

Waits are explicit (WebDriverWait on the old document going stale, readyState and the element
the next step needs); there are no sleeps.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import json
import math
import os
import re
import sys
import time
import traceback
import urllib.parse
from pathlib import Path

from selenium import webdriver
from selenium.common.exceptions import (
    NoSuchElementException,
    StaleElementReferenceException,
    TimeoutException,
    WebDriverException,
)
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import Select, WebDriverWait

LANGS = ["zh-Hans", "zh-Hant", "en", "es"]
STATUSES = {"registered", "triaged", "inService", "waitingOnCustomer", "resolved", "closed", "cancelled"}
NUMBER_RE = re.compile(r"SR-\d{4}-\d+")
PASSWORD = "aftercare-demo"
PRINT_TITLE_ZH_HANS = "售后服务登记表"
SCENARIOS = ["staff-flow", "portal", "languages", "role-homes", "phone", "login-errors"]


class CheckFailed(Exception):
    """A failed precondition: the rest of the scenario cannot run."""


def slug(text: str) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:70] or "page"


class Suite:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.base = args.base_url.rstrip("/")
        self.dir = Path(args.screenshots).resolve()
        self.dir.mkdir(parents=True, exist_ok=True)
        self.timeout = args.timeout
        self.n = 0
        self.passed = 0
        self.failed = 0
        self.scenario = "-"
        self.nav: list[tuple[int, str]] = []  # document responses (status, url) of the last navigation
        self.stamp = dt.datetime.now().strftime("%H%M%S")
        self.unit_id = ""  # the unit the staff flow registered for
        self.customer_href = ""  # step 2 of registering, for that customer
        self.driver = self._start_driver()

    # --- driver ---------------------------------------------------------------------------
    def _start_driver(self) -> webdriver.Chrome:
        opts = webdriver.ChromeOptions()
        opts.binary_location = self.args.chromium
        for a in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,900"):
            opts.add_argument(a)
        # Main-document status codes come from the performance log (Network.* events).
        opts.set_capability("goog:loggingPrefs", {"performance": "ALL"})
        service = Service(
            executable_path=self.args.chromedriver,
            service_args=["--log-level=WARNING"],
            log_output=str(self.dir / "chromedriver.log"),
        )
        started = time.monotonic()
        d = webdriver.Chrome(options=opts, service=service)
        d.set_page_load_timeout(max(60, self.timeout * 2))
        caps = d.capabilities
        self.log(
            f"chromium {caps.get('browserVersion')}, chromedriver "
            f"{caps.get('chrome', {}).get('chromedriverVersion', '?').split(' ')[0]}, "
            f"selenium {webdriver.__version__}; started in {time.monotonic() - started:.1f}s"
        )
        return d

    def quit(self) -> None:
        try:
            self.driver.quit()
        except WebDriverException:
            pass

    # --- output and checks ----------------------------------------------------------------
    def log(self, msg: str) -> None:
        print(f"[browser {time.strftime('%H:%M:%S')}] {msg}", flush=True)

    def info(self, msg: str) -> None:
        print(f"INFO {self.scenario}: {msg}", flush=True)

    def expect(self, cond: bool, what: str, detail: str = "", tag: str | None = None) -> bool:
        """A check; on failure saves the page (named after tag, else what) and goes on."""
        if cond:
            self.passed += 1
            print(f"PASS {self.scenario}: {what}", flush=True)
            return True
        self.failed += 1
        print(f"FAIL {self.scenario}: {what}" + (f" ({detail})" if detail else ""), flush=True)
        self.save_failure(tag or what)
        return False

    def require(self, cond: bool, what: str, detail: str = "") -> None:
        """A check the rest of the scenario depends on; on failure ends the scenario."""
        if not self.expect(cond, what, detail):
            raise CheckFailed(what)

    def save_failure(self, what: str) -> None:
        self.n += 1
        stem = self.dir / f"{self.n:03d}-FAIL-{slug(self.scenario + '-' + what)[:60].strip('-')}"
        try:
            self.capture(stem.with_suffix(".png"))
            stem.with_suffix(".html").write_text(
                f"<!-- {self.driver.current_url} -->\n" + self.driver.page_source, encoding="utf-8"
            )
            print(f"     saved {stem}.png and .html (url {self.driver.current_url})", flush=True)
        except WebDriverException as e:
            print(f"     could not save the failing page: {e.msg}", flush=True)

    # --- pages ----------------------------------------------------------------------------
    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base + path

    def path(self) -> str:
        return urllib.parse.urlsplit(self.driver.current_url).path

    def query(self) -> dict[str, list[str]]:
        return urllib.parse.parse_qs(urllib.parse.urlsplit(self.driver.current_url).query)

    def wait(self, seconds: float | None = None) -> WebDriverWait:
        return WebDriverWait(self.driver, seconds or self.timeout, poll_frequency=0.1)

    def css(self, selector: str, within: WebElement | None = None) -> list[WebElement]:
        return (within or self.driver).find_elements(By.CSS_SELECTOR, selector)

    def one(self, selector: str, what: str | None = None, within: WebElement | None = None) -> WebElement:
        """The first match; a missing element is a failed precondition (no PASS line when found)."""
        found = self.css(selector, within)
        if not found:
            self.require(False, what or f"page has {selector}", f"url {self.driver.current_url}")
        return found[0]

    def has(self, selector: str) -> bool:
        return bool(self.css(selector))

    def html_lang(self) -> str:
        return self.driver.find_element(By.TAG_NAME, "html").get_attribute("lang") or ""

    def text(self, selector: str) -> str:
        found = self.css(selector)
        return found[0].text.strip() if found else ""

    def status_code(self) -> int | None:
        return self.nav[-1][0] if self.nav else None

    def drain_navigation(self) -> list[tuple[int, str]]:
        """Status codes of the documents loaded since the last call (redirects included)."""
        out: list[tuple[int, str]] = []
        try:
            entries = self.driver.get_log("performance")
        except WebDriverException:
            return out
        for entry in entries:
            try:
                msg = json.loads(entry["message"])["message"]
            except (KeyError, ValueError):
                continue
            params = msg.get("params", {})
            if params.get("type") != "Document":
                continue
            if msg.get("method") == "Network.requestWillBeSent" and params.get("redirectResponse"):
                r = params["redirectResponse"]
                out.append((int(r.get("status", 0)), r.get("url", "")))
            elif msg.get("method") == "Network.responseReceived":
                r = params.get("response", {})
                out.append((int(r.get("status", 0)), r.get("url", "")))
        return out

    def capture(self, file: Path) -> None:
        """A full-page PNG (up to 6000 CSS pixels tall); the viewport if that fails."""
        d = self.driver
        try:
            metrics = d.execute_cdp_cmd("Page.getLayoutMetrics", {})
            content = metrics.get("cssContentSize") or metrics["contentSize"]
            viewport = metrics.get("cssLayoutViewport") or metrics["layoutViewport"]
            width = max(math.ceil(content["width"]), int(viewport["clientWidth"]))
            height = min(max(math.ceil(content["height"]), int(viewport["clientHeight"])), 6000)
            shot = d.execute_cdp_cmd(
                "Page.captureScreenshot",
                {
                    "format": "png",
                    "captureBeyondViewport": True,
                    "clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1},
                },
            )
            file.write_bytes(base64.b64decode(shot["data"]))
        except (WebDriverException, KeyError, ValueError):
            d.save_screenshot(str(file))

    def shot(self, name: str) -> Path:
        self.n += 1
        file = self.dir / f"{self.n:03d}-{slug(name)}.png"
        self.capture(file)
        return file

    def landed(self, name: str, expect: str | None = None, print_page: bool = False) -> None:
        """After a navigation: wait for the page, screenshot it, check what every page has."""
        self.wait().until(lambda d: d.execute_script("return document.readyState") == "complete")
        if expect:
            try:
                self.wait().until(EC.presence_of_element_located((By.CSS_SELECTOR, expect)))
            except TimeoutException:
                pass  # reported by the check below, with the page saved
        self.nav = self.drain_navigation()
        file = self.shot(name)
        chain = " -> ".join(f"{s} {urllib.parse.urlsplit(u).path}" for s, u in self.nav) or "?"
        lang = self.html_lang()
        # What every page must have, as one check per page.
        problems = []
        if any(s >= 500 for s, _ in self.nav):
            problems.append("a server error")
        if lang not in LANGS:
            problems.append(f"<html lang={lang!r}>")
        if not self.has("form#lang-form select#lang-select") or not self.has("#lang-apply"):
            if print_page:
                self.info(f"{name}: the printable page has no language switcher")
            else:
                problems.append("no language switcher")
        if expect and not self.has(expect):
            problems.append(f"no {expect}")
        self.expect(
            not problems,
            f"page {file.name}: HTTP {chain}, lang {lang}" + (f", has {expect}" if expect else ""),
            "; ".join(problems),
            tag=name,
        )
        if expect and not self.has(expect):
            raise CheckFailed(f"{name}: page has {expect}")

    def go(self, path: str, name: str, expect: str | None = None, print_page: bool = False) -> None:
        self.drain_navigation()
        self.driver.get(self.url(path))
        self.landed(name, expect, print_page)

    def click_to(self, element: WebElement, name: str, expect: str | None = None) -> None:
        """Clicks something that loads a new document and waits for it."""
        self.drain_navigation()
        old = self.driver.find_element(By.TAG_NAME, "html")
        element.click()
        self.wait_gone(old)
        self.landed(name, expect)

    def wait_gone(self, old: WebElement) -> None:
        """Waits until the old document's root is gone, i.e. the next document replaced it."""

        def gone(_driver: webdriver.Chrome) -> bool:
            try:
                old.is_enabled()
                return False
            except StaleElementReferenceException:
                return True
            except WebDriverException as e:
                # Mid-navigation chromedriver may say this instead of "stale element".
                if "does not belong to the document" in (e.msg or ""):
                    return True
                return False  # some other transient state while loading; look again

        self.wait().until(gone)

    def fill(self, element: WebElement, value: str) -> None:
        kind = (element.get_attribute("type") or "").lower()
        if kind in ("date", "datetime-local", "time", "month", "week"):
            # Typed input into these depends on the browser's locale; set the value directly.
            self.driver.execute_script(
                "arguments[0].value = arguments[1];"
                "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
                "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
                element,
                value,
            )
        else:
            element.clear()
            element.send_keys(value)

    def choose_something(self, select: WebElement) -> str:
        """Keeps the select's value if it has one, else picks the first non-empty option."""
        s = Select(select)
        current = s.first_selected_option.get_attribute("value") if s.options else ""
        if current:
            return current
        for option in s.options:
            value = option.get_attribute("value") or ""
            if value and option.is_enabled():
                s.select_by_value(value)
                return value
        return ""

    # --- common steps ---------------------------------------------------------------------
    def fresh_session(self) -> None:
        self.driver.execute_cdp_cmd("Network.clearBrowserCookies", {})

    def sign_in(self, login: str, home: str, password: str = PASSWORD) -> None:
        self.fresh_session()
        self.go("/login", f"{login} sign-in page", expect="form#login")
        form = self.one("form#login")
        self.fill(self.one("input[name='login']", within=form), login)
        self.fill(self.one("input[name='password']", within=form), password)
        self.click_to(self.one("#sign-in"), f"{login} signed in")
        self.require(self.path() == home, f"{login} lands on {home} after signing in", f"at {self.path()}")
        self.require(self.has("form#logout #sign-out"), f"{login}: signed-in page has the sign-out form")

    def sign_out(self, who: str) -> None:
        if not self.has("#sign-out"):
            self.go("/", f"{who} home before signing out")
        self.click_to(self.one("#sign-out"), f"{who} signed out")
        self.expect(not self.has("form#logout"), f"{who}: signed out (no sign-out form any more)")

    def switch_language(self, lang: str, name: str) -> None:
        before = self.path()
        Select(self.one("select#lang-select")).select_by_value(lang)
        old = self.driver.find_element(By.TAG_NAME, "html")
        self.drain_navigation()
        try:
            self.driver.find_element(By.ID, "lang-apply").click()
        except StaleElementReferenceException:
            pass  # a script submitted the form on change already
        self.wait_gone(old)
        self.landed(name, expect="form#lang-form")
        self.expect(self.html_lang() == lang, f"{name}: <html lang> is {lang}", f"lang={self.html_lang()!r}")
        self.expect(self.path() == before, f"{name}: the same page reloaded", f"{before} -> {self.path()}")

    def timeline_count(self) -> int:
        return len(self.css("ol#timeline > li"))

    def event(self, event: str, note: str, expect_status: str) -> None:
        forms = self.css(f"form.event-form[data-event='{event}']")
        offered = [f.get_attribute("data-event") for f in self.css("form.event-form")]
        self.require(bool(forms), f"action {event} is offered", f"offered: {offered}")
        form = forms[0]
        before_path, before_items = self.path(), self.timeline_count()
        self.fill(self.one("textarea[name='note']", within=form), note)
        for select in self.css("select", within=form):  # e.g. a cause or a priority the event asks for
            self.choose_something(select)
        self.click_to(self.one(".event-submit", within=form), f"after {event}", expect="#request-status")
        self.expect(self.path() == before_path, f"{event}: back on the request page", f"at {self.path()}")
        status = self.one("#request-status").get_attribute("data-status")
        self.require(status == expect_status, f"{event}: status is {expect_status}", f"data-status={status!r}")
        self.expect(
            self.timeline_count() > before_items,
            f"{event}: the timeline grew",
            f"{before_items} -> {self.timeline_count()} entries",
        )

    # --- scenario a: staff ----------------------------------------------------------------
    def staff_flow(self) -> None:
        self.sign_in("agent", "/")
        self.expect(self.has("#home-mine"), "agent home has the #home-mine section")
        self.info("agent home sections: " + ", ".join(e.get_attribute("id") for e in self.css("[id^='home-']")))
        self.expect(self.has("a#nav-requests"), "nav link to the request list")
        self.expect(self.has("a#nav-new-request"), "agent may register: nav link to a new request")

        self.request_list()
        first_id = self.register_request()
        self.duplicate_request(first_id)

        self.go(f"/requests/{first_id}", "request detail again", expect="#request-status")
        stamp = f"browser test {self.stamp}"
        self.event("triage", f"{stamp}: triage", "triaged")
        if self.has("form.event-form[data-event='resolveRemotely']"):
            self.event("resolveRemotely", f"{stamp}: resolved on the phone", "resolved")
        else:
            self.info("resolveRemotely not offered; startService then resolve")
            self.event("startService", f"{stamp}: engineer on site", "inService")
            self.event("resolve", f"{stamp}: fixed", "resolved")

        self.print_form(first_id)
        self.sign_out("agent")
        self.go("/requests", "request list signed out")
        self.expect(
            not self.has("table#request-list")
            and (self.has("form#login") or self.text("#error-code") in ("401", "403")),
            "signed out: /requests shows no list (sign-in page or 401/403)",
            f"at {self.path()}, status {self.status_code()}",
        )

    def request_list(self) -> None:
        self.click_to(self.one("a#nav-requests"), "request list", expect="table#request-list")
        self.require(self.path() == "/requests", "nav-requests goes to /requests", f"at {self.path()}")
        links = self.css("table#request-list a.request-link")
        self.require(bool(links), "the demo request list has rows")
        self.expect(
            all(re.search(r"/requests/\d+$", a.get_attribute("href") or "") for a in links),
            "every row links to /requests/{id}",
        )
        self.expect(self.has("form#request-filter input[name='q']"), "filter form has a search box")
        first_href, first_text = links[0].get_attribute("href"), links[0].text.strip()

        # Search for the first row's number.
        number = NUMBER_RE.search(first_text)
        if number:
            form = self.one("form#request-filter")
            self.fill(self.one("input[name='q']", within=form), number.group(0))
            self.click_to(self.one("#filter-apply", within=form), f"search {number.group(0)}", "table#request-list")
            hrefs = [a.get_attribute("href") for a in self.css("table#request-list a.request-link")]
            self.expect(first_href in hrefs, f"searching {number.group(0)} finds that request", f"rows {hrefs[:5]}")
            self.go("/requests", "request list unfiltered", expect="table#request-list")
        else:
            self.info(f"first row's link text {first_text!r} holds no SR number; search not tried")

        # Filter by status, then open the first hit and compare its status.
        form = self.one("form#request-filter")
        status_select = self.one("select[name='status']", within=form)
        values = [o.get_attribute("value") for o in Select(status_select).options]
        self.expect(
            STATUSES <= set(values), "status filter offers every status", f"values {values}"
        )
        if "registered" in values:
            Select(status_select).select_by_value("registered")
            self.click_to(self.one("#filter-apply", within=form), "filter status registered", "table#request-list")
            self.expect(self.query().get("status") == ["registered"], "the filter is a GET with status=registered")
            hits = self.css("table#request-list a.request-link")
            if hits:
                self.click_to(hits[0], "first registered request", expect="#request-status")
                status = self.one("#request-status").get_attribute("data-status")
                self.expect(status == "registered", "the status filter's first hit is registered", f"{status!r}")
            else:
                self.info("no registered requests in the demo list")
            self.go("/requests", "request list unfiltered", expect="table#request-list")

        # Sorting.
        sorts = self.css("table#request-list a.sort-link")
        self.expect(bool(sorts), "column headers are sort links")
        if sorts:
            target = urllib.parse.urlsplit(sorts[0].get_attribute("href") or "")
            self.click_to(sorts[0], "sorted by first column", expect="table#request-list")
            self.expect(
                self.path() == target.path and self.query() == urllib.parse.parse_qs(target.query),
                "the sort link was followed",
                f"{self.driver.current_url} vs {target.geturl()}",
            )

        # Next page.
        self.go("/requests", "request list page 1", expect="table#request-list")
        first_href = self.css("table#request-list a.request-link")[0].get_attribute("href")
        if self.has("a#next-page"):
            self.click_to(self.one("a#next-page"), "request list page 2", expect="table#request-list")
            page2 = [a.get_attribute("href") for a in self.css("table#request-list a.request-link")]
            self.expect(bool(page2) and first_href not in page2, "the next page shows other rows")
        else:
            self.expect(False, "the demo list (1000 requests) has a next-page link")

    def register_request(self) -> int:
        self.go("/requests", "request list before registering", expect="a#nav-new-request")
        self.click_to(self.one("a#nav-new-request"), "new request step 1", expect="form#customer-search")
        self.expect(self.path() == "/requests/new", "nav-new-request goes to /requests/new", self.path())
        terms = [self.args.customer_query] + [t for t in ("长沙", "公司", "a", "1") if t != self.args.customer_query]
        picks: list[WebElement] = []
        for term in terms:
            form = self.one("form#customer-search")
            self.fill(self.one("input[name='customerQuery']", within=form), term)
            self.click_to(self.one("#customer-search-go", within=form), f"customer search {term}", "form#customer-search")
            self.expect(self.query().get("customerQuery") == [term], f"customer search is a GET with customerQuery={term}")
            picks = self.css("a.pick-customer")
            if picks:
                break
            self.info(f"no customers found for {term!r}")
        self.require(bool(picks), "customer search found a customer", f"tried {terms}")
        href = picks[0].get_attribute("href") or ""
        self.expect(bool(re.search(r"/requests/new\?(.*&)?customerId=\d+", href)), "pick link has customerId", href)
        self.info(f"picked customer {picks[0].text.strip()!r}")
        self.customer_href = href
        self.click_to(picks[0], "new request step 2", expect="form#register-request")

        # A submission without a fault description must come back with field errors. The browser's own
        # `required` check is switched off first, so that the server's validation is what answers.
        form = self.one("form#register-request")
        self.driver.execute_script("arguments[0].noValidate = true;", form)
        self.fill(self.one("textarea[name='faultDescription']", within=form), "")
        self.click_to(self.one("#register", within=form), "register with errors", expect="form#register-request")
        self.expect(self.has(".field-error"), "an empty submission shows .field-error")
        self.expect(not re.fullmatch(r"/requests/\d+", self.path()), "nothing was registered", self.path())

        self.fill_register_form(f"browser test {self.stamp}: 设备无法开机，屏幕无显示")
        self.click_to(self.one("form#register-request #register"), "registered", expect="body")
        if self.has(".duplicate-warning"):
            self.info("the demo unit already has an open request; confirming the duplicate")
            self.confirm_duplicate(f"browser test {self.stamp}: 设备无法开机，屏幕无显示")
        match = re.fullmatch(r"/requests/(\d+)", self.path())
        self.require(bool(match), "registering lands on /requests/{id}", f"at {self.path()}")
        rid = int(match.group(1))
        self.check_detail("registered")
        return rid

    def fill_register_form(self, fault: str) -> None:
        form = self.one("form#register-request")
        units = self.css("input[name='unitIds']", within=form)
        self.require(bool(units), "the customer has units to choose")
        if not any(u.is_selected() for u in units):
            units[0].click()
        for name in ("channel", "type", "priority"):
            self.require(bool(self.choose_something(self.one(f"select[name='{name}']", within=form))), f"{name} chosen")
        self.fill(self.one("textarea[name='faultDescription']", within=form), fault)
        self.fill(self.one("input[name='contactName']", within=form), "浏览器测试")
        self.fill(self.one("input[name='contactPhone']", within=form), "13800138000")
        self.unit_id = next(u for u in units if u.is_selected()).get_attribute("value") or ""

    def confirm_duplicate(self, fault: str) -> None:
        self.expect(self.has("input#confirm-duplicate[name='confirmDuplicate']"), "duplicate warning has the confirm box")
        self.fill_register_form(fault)
        box = self.one("input#confirm-duplicate")
        if not box.is_selected():
            box.click()
        self.click_to(self.one("form#register-request #register"), "registered after confirming", expect="body")

    def check_detail(self, status: str) -> None:
        number = self.text("#request-number")
        self.expect(bool(NUMBER_RE.fullmatch(number)), "request number looks like SR-YYYY-NNNNNN", repr(number))
        got = self.one("#request-status").get_attribute("data-status")
        self.expect(got == status, f"request status is {status}", f"data-status={got!r}")
        self.expect(self.timeline_count() >= 1, "the timeline has an entry")
        self.expect(self.has("a#print-form"), "link to the printable form")
        self.info("actions offered: " + ", ".join(f.get_attribute("data-event") for f in self.css("form.event-form")))

    def duplicate_request(self, first_id: int) -> None:
        """A second request for the same unit must warn; confirm it, then cancel it."""
        unit = self.unit_id
        self.go(self.customer_href, "new request step 2 (duplicate)", expect="form#register-request")
        box = self.css(f"form#register-request input[name='unitIds'][value='{unit}']")
        self.require(bool(box), f"the same unit {unit} is offered")
        for u in self.css("form#register-request input[name='unitIds']"):
            if u.is_selected() != (u.get_attribute("value") == unit):
                u.click()
        fault = f"browser test {self.stamp}: duplicate for the same unit"
        form = self.one("form#register-request")
        for name in ("channel", "type", "priority"):
            self.choose_something(self.one(f"select[name='{name}']", within=form))
        self.fill(self.one("textarea[name='faultDescription']", within=form), fault)
        self.fill(self.one("input[name='contactName']", within=form), "浏览器测试")
        self.fill(self.one("input[name='contactPhone']", within=form), "13800138000")
        self.click_to(self.one("#register", within=form), "duplicate warning", expect="body")
        self.require(self.has(".duplicate-warning"), "a second request for an open unit shows .duplicate-warning")
        self.require(not re.fullmatch(r"/requests/\d+", self.path()), "nothing registered before confirming")
        self.confirm_duplicate(fault)
        match = re.fullmatch(r"/requests/(\d+)", self.path())
        self.require(bool(match) and int(match.group(1)) != first_id, "confirming registers a new request", self.path())
        self.check_detail("registered")
        if self.has("form.event-form[data-event='cancel']"):
            self.event("cancel", f"browser test {self.stamp}: duplicate, cancelled", "cancelled")
        else:
            self.info("cancel not offered to the agent; the duplicate stays registered")

    def print_form(self, rid: int) -> None:
        self.go(f"/requests/{rid}", "request resolved", expect="#request-status")
        number = self.text("#request-number")
        link = self.one("a#print-form")
        href = link.get_attribute("href") or ""
        self.expect(urllib.parse.urlsplit(href).path == f"/requests/{rid}/print", "print link target", href)
        if self.html_lang() != "zh-Hans":
            self.switch_language("zh-Hans", "request detail in zh-Hans")
        self.go(href, "registration form zh-Hans", expect=".registration-form", print_page=True)
        self.expect(self.html_lang() == "zh-Hans", "printable form in zh-Hans", self.html_lang())
        body = self.driver.find_element(By.TAG_NAME, "body").text
        self.expect(PRINT_TITLE_ZH_HANS in body, f"printable form titled {PRINT_TITLE_ZH_HANS}")
        self.expect(bool(number) and number in body, f"printable form shows the number {number}")
        pdf = base64.b64decode(
            self.driver.execute_cdp_cmd("Page.printToPDF", {"printBackground": True, "preferCSSPageSize": True})["data"]
        )
        self.n += 1
        file = self.dir / f"{self.n:03d}-registration-form.pdf"
        file.write_bytes(pdf)
        self.expect(pdf.startswith(b"%PDF") and len(pdf) > 1000, f"PDF saved ({len(pdf)} bytes): {file}")

    # --- scenario b: customer portal ------------------------------------------------------
    def portal(self) -> None:
        other_id, other_url = self.portal_submit("customer2")
        self.sign_out("customer2")

        own_id, own_url = self.portal_submit("customer1")
        self.go(own_url, "customer1 follows the request", expect="#request-status")
        self.expect(bool(self.text("#next-step")), "the next step is shown", "empty #next-step")
        self.go("/portal", "customer1 portal again", expect="table#portal-requests")
        hrefs = [urllib.parse.urlsplit(a.get_attribute("href")).path for a in self.css("a.portal-request")]
        self.expect(f"/portal/requests/{other_id}" not in hrefs, "customer1 does not see customer2's request")

        self.go(other_url, "customer2 request as customer1", expect="#error-code")
        code = self.text("#error-code")
        self.expect(code == "404", "another customer's request is a 404 page", f"error-code {code!r}")
        self.expect(self.status_code() == 404, "and the HTTP status is 404", f"status {self.status_code()}")
        self.expect(not self.has("#request-number"), "and shows no request")

        for path in ("/requests", f"/requests/{other_id}", f"/requests/{own_id}"):
            self.go(path, f"staff page {path} as customer")
            code, status = self.text("#error-code"), self.status_code()
            self.info(
                f"GET {path} as customer1 -> HTTP {status}, ended at {self.path()}"
                + (f", error-code {code}" if code else "")
            )
            self.expect(
                not self.has("table#request-list") and not self.has("#request-number"),
                f"{path} shows no staff data to a customer",
            )
            self.expect(
                code in ("403", "404") or status in (403, 404) or self.path() != path,
                f"{path} is refused (403/404) or redirected",
                f"HTTP {status} at {self.path()}",
            )
        self.go("/", "staff home as customer")
        self.info(
            f"GET / as customer1 -> HTTP {self.status_code()}, ended at {self.path()}; "
            f"home sections: {[e.get_attribute('id') for e in self.css('[id^=home-]')]}"
        )
        self.sign_out("customer1")

    def portal_submit(self, who: str) -> tuple[int, str]:
        self.sign_in(who, "/portal")
        self.one("table#portal-units", "portal lists the customer's units")
        self.one("table#portal-requests", "portal lists the customer's requests")
        links = self.css("table#portal-units a.new-request-for-unit")
        self.require(bool(links), f"{who} has a unit to report on")
        href = links[0].get_attribute("href") or ""
        m = re.search(r"/portal/requests/new\?(?:.*&)?unitId=(\d+)", href)
        self.expect(bool(m), "unit link goes to /portal/requests/new?unitId=N", href)
        self.click_to(links[0], f"{who} new request", expect="form#portal-request")
        form = self.one("form#portal-request")
        unit_select = Select(self.one("select[name='unitId']", within=form))
        if m:
            self.expect(
                unit_select.first_selected_option.get_attribute("value") == m.group(1), "the unit is preselected"
            )
        else:
            self.choose_something(self.one("select[name='unitId']", within=form))
        self.fill(self.one("textarea[name='faultDescription']", within=form), f"browser test {self.stamp}: {who} 漏水")
        preferred = self.one("input[name='preferredTime']", within=form)
        kind = (preferred.get_attribute("type") or "text").lower()
        later = dt.datetime.now() + dt.timedelta(days=7)
        value = {
            "date": later.strftime("%Y-%m-%d"),
            "datetime-local": later.strftime("%Y-%m-%dT10:00"),
            "time": "10:00",
        }.get(kind, "工作日上午 weekday mornings")
        self.fill(preferred, value)
        self.click_to(self.one("#submit-request", within=form), f"{who} request submitted", expect="#request-status")
        match = re.fullmatch(r"/portal/requests/(\d+)", self.path())
        self.require(bool(match), "submitting lands on /portal/requests/{id}", self.path())
        number = self.text("#request-number")
        self.expect(bool(NUMBER_RE.fullmatch(number)), "the customer sees the request number", repr(number))
        status = self.one("#request-status").get_attribute("data-status")
        self.expect(status in STATUSES, "the customer sees a status", repr(status))
        self.expect(self.timeline_count() >= 1, "the customer sees the timeline")
        self.expect(self.has("#next-step"), "the customer sees the next step")
        self.info(f"{who} submitted {number} ({self.driver.current_url}), status {status}")
        return int(match.group(1)), self.driver.current_url

    # --- scenario c: languages ------------------------------------------------------------
    def languages(self) -> None:
        self.fresh_session()
        self.go("/login", "sign-in page default language", expect="form#login")
        self.cycle_languages("sign-in page")
        self.sign_in("manager", "/")
        self.go("/requests", "request list for languages", expect="table#request-list")
        self.cycle_languages("request list")
        self.sign_out("manager")

    def cycle_languages(self, page: str) -> None:
        start = self.html_lang()
        order = [lang for lang in LANGS if lang != start] + ([start] if start in LANGS else [])
        for lang in order:
            self.switch_language(lang, f"{page} in {lang}")

    # --- more -----------------------------------------------------------------------------
    def role_homes(self) -> None:
        sections = {"admin": [], "manager": ["home-today"], "dispatcher": ["home-unassigned", "home-urgent"], "engineer": []}
        for login, ids in sections.items():
            self.sign_in(login, "/")
            for sid in ids:
                self.expect(self.has(f"#{sid}"), f"{login} home has #{sid}")
            self.info(
                f"{login}: home sections "
                + (", ".join(e.get_attribute("id") for e in self.css("[id^='home-']")) or "none")
                + f"; nav-new-request {'yes' if self.has('#nav-new-request') else 'no'}"
            )
            self.sign_out(login)

    def phone(self) -> None:
        self.driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride", {"width": 375, "height": 812, "deviceScaleFactor": 2, "mobile": True}
        )
        try:
            self.sign_in("agent", "/")
            self.go("/requests", "phone request list", expect="table#request-list")
            self.phone_layout()
            self.sign_out("agent")
            self.sign_in("customer1", "/portal")
            self.go("/portal", "phone portal home", expect="table#portal-units")
            self.phone_layout()
            self.sign_out("customer1")
        finally:
            self.driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    def phone_layout(self) -> None:
        viewport = self.css("meta[name='viewport']")
        self.info("meta viewport: " + (repr(viewport[0].get_attribute("content")) if viewport else "missing"))
        widths = self.driver.execute_script(
            "return [window.innerWidth, document.documentElement.scrollWidth]"
        )
        self.info(f"viewport {widths[0]} CSS px, document {widths[1]} CSS px wide"
                  + (" (scrolls sideways)" if widths[1] > widths[0] else ""))

    def login_errors(self) -> None:
        for login, password in (("dispatcher", "wrong-password"), ("no-such-user", PASSWORD)):
            self.fresh_session()
            self.go("/login", f"sign-in page for {login}", expect="form#login")
            form = self.one("form#login")
            self.fill(self.one("input[name='login']", within=form), login)
            self.fill(self.one("input[name='password']", within=form), password)
            self.click_to(self.one("#sign-in", within=form), f"refused {login}", expect="form#login")
            self.expect(self.has("#login-error"), f"{login} with a wrong password: #login-error shown")
            self.expect(not self.has("form#logout"), f"{login}: not signed in")
            self.info(f"refused sign-in answered HTTP {self.status_code()}")

    # --- run ------------------------------------------------------------------------------
    def run(self, names: list[str]) -> None:
        table = {
            "staff-flow": self.staff_flow,
            "portal": self.portal,
            "languages": self.languages,
            "role-homes": self.role_homes,
            "phone": self.phone,
            "login-errors": self.login_errors,
        }
        timings = []
        for name in names:
            self.scenario = name
            started = time.monotonic()
            self.log(f"scenario {name}")
            try:
                table[name]()
            except CheckFailed as e:
                print(f"     scenario {name} stopped: {e}", flush=True)
            except (TimeoutException, NoSuchElementException, StaleElementReferenceException) as e:
                self.expect(False, f"unexpected {type(e).__name__}", (e.msg or "").strip().splitlines()[0] if e.msg else "")
                traceback.print_exc(limit=3, file=sys.stdout)
            except WebDriverException as e:
                self.expect(False, f"WebDriver error {type(e).__name__}", (e.msg or "").strip()[:300])
                traceback.print_exc(limit=3, file=sys.stdout)
                try:
                    _ = self.driver.current_url
                except WebDriverException:
                    self.log("the browser is gone; stopping")
                    break
            timings.append((name, time.monotonic() - started))
        self.scenario = "-"
        for name, seconds in timings:
            self.log(f"{name:14s} {seconds:6.1f}s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--base-url", default="http://127.0.0.1:8080")
    parser.add_argument("--screenshots", default="artifacts/browser", help="folder for PNGs, failing pages and the PDF")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for a page or an element")
    parser.add_argument("--customer-query", default="长沙", help="customer search term that matches demo customers")
    parser.add_argument("--chromium", default=os.environ.get("CHROMIUM_BIN", "/usr/bin/chromium"))
    parser.add_argument("--chromedriver", default=os.environ.get("CHROMEDRIVER_BIN", "/usr/bin/chromedriver"))
    parser.add_argument("--scenario", action="append", choices=SCENARIOS, help="run only these (repeatable)")
    args = parser.parse_args()

    os.environ.setdefault("SE_OFFLINE", "true")  # Selenium Manager must never try to download a driver
    for var in ("NO_PROXY", "no_proxy"):
        os.environ[var] = "127.0.0.1,localhost," + os.environ.get(var, "")
    started = time.monotonic()
    suite = Suite(args)
    try:
        suite.run(args.scenario or SCENARIOS)
    finally:
        suite.quit()
    print(f"[browser] {suite.n} files in {time.monotonic() - started:.1f}s", flush=True)
    print(f"browser: {suite.passed} passed, {suite.failed} failed", flush=True)
    print(suite.dir, flush=True)
    return 1 if suite.failed else 0


if __name__ == "__main__":
    sys.exit(main())
