"""What every LLM backend shares: model fallback chain, repair rounds, limits, usage, fallback.

A backend (``openai_backend``, ``gemini_backend``) only says how to send one conversation to
one model and how its errors map to "retry" or "give up". This module promises the rest:

- every request passes the run's :class:`~.limits.RateLimiter` and :class:`~.limits.Budget`,
  including retries and repair turns; retries are bounded and never come sooner than a
  server's ``Retry-After`` (which pauses every thread of the run, not just the one that met it);
- invalid output gets one repair turn; a summary whose numbers the verifier can't find in
  the paper gets one repair turn naming them, and is returned flagged if still unsupported;
- models are tried in order (``Settings.model`` then ``fallback_models``); when all fail, or
  the budget is spent, the offline extractive summary is returned with ``fallback_from`` set.
  ``summarize`` never drops a paper;
- usage (tokens, calls, cost when a price is configured) is recorded per summary and summed
  in :attr:`LLMSummarizer.usage_totals`; keys never reach messages, logs or summaries;
- every request is bounded: ``llm_max_output_tokens`` is sent with it, the whole answer
  (connection, headers, body) must end within ``llm_deadline`` seconds
  (:func:`~dailypapers.http.io_deadline`; a stalled or trickling endpoint is not retried:
  the next model, else the offline summary), and every field a model writes is scrubbed of
  secrets and cut to ``llm_max_field_chars`` before it is verified or stored;
- a day (``summarize_many``) is bounded as a stage: once ``stage_deadline`` seconds have
  passed, no request leaves and the papers left get the offline summary, saying why.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal

from ..config import Settings
from ..errors import BudgetExceeded, SummarizerError
from ..http import DeadlineExceeded, _Retry, io_deadline, retry_call
from ..models import FullText, Paper, Summary, Verification
from ..safety import scrub_summary
from ..secrets import redact
from ..verify import Source, source_of, verify_paper
from .base import Summarizer
from .extractive import ExtractiveSummarizer
from .limits import Budget, RateLimiter, cost_of, parse_prices
from .prompt import (
    Prompt,
    SummaryOut,
    invalid_output_message,
    load_prompt,
    paper_text,
    parse_output,
    to_summary,
    unsupported_message,
    user_message,
)

log = logging.getLogger(__name__)

Verifier = Callable[[Summary, Source], Verification | None]
# Output budget assumed per request when estimating tokens before the call.
EST_OUTPUT_TOKENS = 800


@dataclass
class Turn:
    role: Literal["user", "assistant"]
    text: str


@dataclass
class Reply:
    text: str | None
    tokens_in: int = 0
    tokens_out: int = 0
    cut: bool = False  # the model stopped at llm_max_output_tokens


@dataclass
class PaperContext:
    """What a backend sends for one paper: the first user turn, and the PDF if it uses one."""

    message: str
    source: str  # pdf | html | abstract: what the model read
    pdf: bytes | None = None
    est_tokens_in: int = 0


class _RetryableCall(Exception):
    """A failure worth retrying (timeout, connection, 429, 5xx); ``retry_after`` from the server."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class _FormatRejected(Exception):
    """The server refused the structured-output request itself (not the content)."""


@dataclass
class _Usage:
    tokens_in: int = 0
    tokens_out: int = 0
    calls: int = 0
    retries: int = 0
    repairs: int = 0
    cost: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def as_dict(self, model: str) -> dict[str, Any]:
        data: dict[str, Any] = {
            "tokens_in": self.tokens_in, "tokens_out": self.tokens_out, "calls": self.calls,
            "retries": self.retries, "repairs": self.repairs, "model": model,
        }
        if self.cost is not None:
            data["cost"] = round(self.cost, 6)
        data.update(self.extra)
        return data


def offline_summary(settings: Settings, paper: Paper, fulltext: FullText | None) -> Summary:
    """The offline extractive summary: what a paper gets when no model could answer."""
    return ExtractiveSummarizer(settings).summarize(paper, fulltext)


class LLMSummarizer(Summarizer):
    """Base of the remote LLM backends; subclasses implement :meth:`_send`."""

    default_model: ClassVar[str]

    def __init__(
        self,
        settings: Settings,
        *,
        verifier: Verifier | None = None,
        fallback: Callable[[Paper, FullText | None], Summary] | None = None,
    ) -> None:
        super().__init__(settings)
        self.prompt: Prompt = load_prompt(settings)
        chain = [settings.model or self.default_model, *settings.fallback_models]
        self.models: list[str] = list(dict.fromkeys(m for m in chain if m))
        self.prices = parse_prices(settings.llm_prices)
        self.limiter = RateLimiter(settings.requests_per_minute, settings.tokens_per_minute)
        # At most ``concurrency`` requests in flight; parsing and verifying happen outside.
        self._in_flight = threading.BoundedSemaphore(max(1, settings.concurrency))
        self.budget = Budget(settings.max_tokens_budget, settings.max_cost)
        self.verifier: Verifier = verifier or verify_paper
        self._fallback = fallback or (lambda p, f: offline_summary(self.settings, p, f))
        self._lock = threading.Lock()
        self.usage_totals: dict[str, Any] = {
            "papers": 0, "calls": 0, "tokens_in": 0, "tokens_out": 0, "cost": 0.0,
            "retries": 0, "retry_wait_s": 0.0, "repairs": 0, "flagged": 0, "fallbacks": 0,
        }
        # The verdict on each returned LLM summary, handed to the pipeline with it
        # (``verification_of``); ``_verified`` holds the summary each verdict is about.
        self._stage_stop: float | None = None  # set by summarize_many (stage_deadline)
        self.verifications: dict[str, Verification] = {}
        self._verified: dict[str, Summary] = {}
        if settings.max_cost is not None:
            unpriced = [m for m in self.models if m not in self.prices]
            if unpriced:
                log.warning(
                    "max_cost is set but llm_prices has no price for %s: their cost is "
                    "not counted", ", ".join(unpriced),
                )

    # ------------------------------------------------------------ identity (cache key)

    @property
    def model(self) -> str:
        return self.models[0]

    @property
    def prompt_hash(self) -> str:
        return self.prompt.hash

    @property
    def usage(self) -> dict[str, Any]:
        return dict(self.usage_totals)

    def cache_keys(self) -> list[tuple[str, str | None, str | None]]:
        """(backend, model, prompt hash) for each model of the chain, in the order tried.

        A summary written by a fallback model is stored under that model; looking these up
        in order lets a re-run reuse it instead of calling again.
        """
        return [(self.id, m, self.prompt.hash) for m in self.models]

    # ------------------------------------------------------------ backend hooks

    def _context(self, paper: Paper, fulltext: FullText | None) -> PaperContext:
        text = paper_text(paper, fulltext, self.settings.context_chars)
        message = user_message(paper, text)
        source = fulltext.source if fulltext is not None and fulltext.text.strip() else "abstract"
        return PaperContext(message, source, None, est_tokens_in=_tokens(message))

    def _send(self, model: str, system: str, turns: list[Turn], ctx: PaperContext) -> Reply:
        """One request. Raise _RetryableCall, _FormatRejected, or SummarizerError (permanent)."""
        raise NotImplementedError

    def _downgrade(self, model: str) -> bool:
        """After _FormatRejected: switch to a simpler output mode; False if none is left."""
        return False

    # ------------------------------------------------------------ one paper

    def summarize(self, paper: Paper, fulltext: FullText | None = None) -> Summary:
        reasons: list[str] = []
        # One tally across the chain: tokens a failed model used are part of this paper's cost.
        usage = _Usage()
        if self._past_stage():
            reasons.append(self._stage_message())
        elif not self.budget.exhausted:
            for model in self.models:
                try:
                    summary = self._summarize_with(model, paper, fulltext, usage)
                except BudgetExceeded as exc:
                    reasons.append(_about(model, exc))
                    break
                except SummarizerError as exc:
                    reasons.append(_about(model, exc))
                    # One line a paper: the last model's failure is said by the fallback's.
                    log.log(logging.INFO if model == self.models[-1] else logging.WARNING,
                            "%s: %s failed: %s", paper.arxiv_id, model, redact(str(exc)))
                    continue
                if model != self.models[0]:
                    summary.fallback_from = f"{self.id}:{self.models[0]}"
                    summary.usage["fallback_reason"] = redact("; ".join(reasons))[:500]
                self._count(papers=1)
                return summary
        else:
            reasons.append("the run's LLM budget is spent")
        return self._offline(paper, fulltext, "; ".join(reasons), usage)

    def _offline(
        self, paper: Paper, fulltext: FullText | None, reason: str, usage: _Usage
    ) -> Summary:
        summary = self._fallback(paper, fulltext)
        summary.fallback_from = f"{self.id}:{self.models[0]}"
        summary.usage = {**summary.usage, **usage.as_dict(self.models[-1]),
                         "fallback_reason": redact(reason)[:500]}
        if not usage.calls:
            summary.usage.pop("model")
        log.warning("%s: offline summary published instead (%s)", paper.arxiv_id,
                    summary.usage["fallback_reason"])
        self._count(papers=1, fallbacks=1)
        return summary

    def _summarize_with(
        self, model: str, paper: Paper, fulltext: FullText | None, usage: _Usage | None = None
    ) -> Summary:
        ctx = self._context(paper, fulltext)
        usage = usage if usage is not None else _Usage()
        turns = [Turn("user", ctx.message)]
        out, raw = self._ask(model, turns, ctx, usage, repair=True)
        summary = self._to_summary(out, paper, model, ctx)
        source = source_of(paper, fulltext)
        verification = self.verifier(summary, source)
        if verification is not None and verification.unsupported:
            usage.repairs += 1
            turns += [Turn("assistant", raw), Turn("user", unsupported_message(
                verification.unsupported))]
            try:
                out2, _ = self._ask(model, turns, ctx, usage, repair=False)
            except (SummarizerError, BudgetExceeded) as exc:
                # The first answer is paid for and usable: publish it flagged.
                log.info("%s: repair turn failed (%s); keeping the first answer",
                         paper.arxiv_id, redact(str(exc)))
            else:
                summary2 = self._to_summary(out2, paper, model, ctx)
                verification2 = self.verifier(summary2, source)
                if verification2 is not None and (
                    len(verification2.unsupported) <= len(verification.unsupported)
                ):
                    summary, verification = summary2, verification2
            if verification.unsupported:
                self._count(flagged=1)
                log.warning("%s: %d unsupported item(s) after repair: %s", paper.arxiv_id,
                            len(verification.unsupported),
                            ", ".join(i.text for i in verification.unsupported))
        summary.usage = usage.as_dict(model)
        if verification is not None:
            with self._lock:
                self.verifications[paper.arxiv_id] = verification
                self._verified[paper.arxiv_id] = summary
        return summary

    def verification_of(self, summary: Summary) -> Verification | None:
        """The repair turn's verification of exactly this summary (it is not checked twice)."""
        with self._lock:
            if self._verified.get(summary.arxiv_id) is not summary:
                return None
            return self.verifications.get(summary.arxiv_id)

    def _to_summary(self, out: SummaryOut, paper: Paper, model: str, ctx: PaperContext) -> (
        Summary
    ):
        # What a model wrote is data: no secret it echoed, no field past its limit, before
        # the verifier reads it and long before anything stores or publishes it.
        return scrub_summary(
            to_summary(out, paper, backend=self.id, model=model, prompt=self.prompt,
                       source=ctx.source),
            self.settings.llm_max_field_chars)

    def _ask(
        self, model: str, turns: list[Turn], ctx: PaperContext, usage: _Usage, *, repair: bool
    ) -> tuple[SummaryOut, str]:
        """One answer parsed into the schema; with ``repair``, one more turn if it doesn't."""
        reply = self._call(model, turns, ctx, usage)
        try:
            return parse_output(reply.text), reply.text or ""
        except ValueError as exc:
            if reply.cut:  # asking again would be cut at the same limit
                raise SummarizerError(self._cut_message(model)) from exc
            if not repair:
                raise SummarizerError(f"{model}: unusable output: {exc}") from exc
            problem = str(exc)
        log.info("%s: output did not fit the schema (%s); asking once more", model, problem)
        usage.repairs += 1
        retry_turns = [*turns, Turn("assistant", reply.text or ""),
                       Turn("user", invalid_output_message(problem))]
        reply = self._call(model, retry_turns, ctx, usage)
        try:
            return parse_output(reply.text), reply.text or ""
        except ValueError as exc:
            if reply.cut:
                raise SummarizerError(self._cut_message(model)) from exc
            raise SummarizerError(f"{model}: unusable output twice: {exc}") from exc

    def _cut_message(self, model: str) -> str:
        return (f"{model}: the answer was cut at {self.settings.llm_max_output_tokens} output "
                "tokens (llm_max_output_tokens) before the summary was complete")

    # ------------------------------------------------------------ one request, with limits

    def _call(self, model: str, turns: list[Turn], ctx: PaperContext, usage: _Usage) -> Reply:
        """One request through the run's limits, retried by the one policy of ``http``."""
        attempts = max(1, self.settings.http_retries)
        cap = self.settings.retry_max_wait
        est_in = ctx.est_tokens_in + sum(_tokens(t.text) for t in turns[1:])
        est_cost = cost_of(self.prices, model, est_in, EST_OUTPUT_TOKENS)
        downgrades = 0

        def attempt(number: int) -> Reply:
            nonlocal downgrades
            while True:
                reserved = (0, 0.0)
                until: float | None = None
                try:
                    # The slot, then the budget, then the rate limiter: a request leaves right
                    # when the limiter logs it, so the window it counts is the one the server
                    # sees, and only requests about to leave hold budget reservations.
                    with self._in_flight:
                        if self._past_stage():  # waited for a slot past the stage's end
                            raise BudgetExceeded(self._stage_message())
                        reserved = self.budget.reserve(est_in + EST_OUTPUT_TOKENS, est_cost)
                        slot = self.limiter.acquire(est_in + EST_OUTPUT_TOKENS)
                        # The whole answer, headers and body, within llm_deadline.
                        with io_deadline(self.settings.llm_deadline) as until:
                            reply = self._send(model, self.prompt.text, turns, ctx)
                except _FormatRejected as exc:
                    self._settle_failed(reserved, usage)
                    downgrades += 1
                    # Bounded: each downgrade moves to a simpler mode, and there are few.
                    if downgrades > 3 or not self._downgrade(model):
                        raise SummarizerError(
                            f"{model}: request rejected: {redact(str(exc))}") from exc
                    continue
                except _RetryableCall as exc:
                    self._settle_failed(reserved, usage)
                    if _past(exc, until):  # stalled or trickling: not worth another wait
                        raise SummarizerError(
                            f"{model}: no complete answer within {self.settings.llm_deadline:g}"
                            " s (llm_deadline); the endpoint is stalled or trickling") from exc
                    raise _Retry(f"{model}: {redact(str(exc))}", after=exc.retry_after) from exc
                except BudgetExceeded:
                    raise  # nothing was reserved or sent
                except SummarizerError:
                    # Sent and refused for good (401, 404...): a call, though not a billed one.
                    self._settle_failed(reserved, usage)
                    raise
                except BaseException:
                    self.budget.settle(reserved, 0, 0.0)
                    raise
                return self._settle_reply(model, reply, reserved, slot, est_in, usage)

        def sleep(wait: float, retry: _Retry) -> None:
            usage.retries += 1
            self._count(retries=1, retry_wait_s=wait)
            if retry.after is not None:
                # A 429's Retry-After speaks for the whole account: every thread waits it out.
                self.limiter.pause(wait)
            else:
                time.sleep(wait)

        try:
            return retry_call(attempt, attempts=attempts, max_wait=cap,
                              base_wait=self.settings.retry_base_wait, what=model,
                              over_max="give_up", sleep=sleep)
        except _Retry as exc:
            if exc.too_long:
                raise SummarizerError(
                    f"server asked to wait {exc.after or 0:.0f} s (more than retry_max_wait "
                    f"{cap:.0f} s)"
                ) from exc
            raise SummarizerError(f"{exc} (gave up after {attempts} attempts)") from exc

    def _past_stage(self) -> bool:
        return self._stage_stop is not None and time.monotonic() > self._stage_stop

    def _stage_message(self) -> str:
        return (f"the summarize stage passed its stage_deadline "
                f"({self.settings.stage_deadline:g} s); no more requests this run")

    def _settle_failed(self, reserved: tuple[int, float], usage: _Usage) -> None:
        self.budget.settle(reserved, 0, 0.0)
        usage.calls += 1
        self._count(calls=1)

    def _settle_reply(
        self, model: str, reply: Reply, reserved: tuple[int, float], slot: Any, est_in: int,
        usage: _Usage,
    ) -> Reply:
        tokens = reply.tokens_in + reply.tokens_out
        cost = cost_of(self.prices, model, reply.tokens_in, reply.tokens_out)
        self.budget.settle(reserved, tokens or est_in + EST_OUTPUT_TOKENS, cost)
        self.limiter.settle(slot, tokens or est_in + EST_OUTPUT_TOKENS)
        usage.calls += 1
        usage.tokens_in += reply.tokens_in
        usage.tokens_out += reply.tokens_out
        if cost is not None:
            usage.cost = (usage.cost or 0.0) + cost
        self._count(calls=1, tokens_in=reply.tokens_in, tokens_out=reply.tokens_out,
                    cost=cost or 0.0)
        return reply

    def _count(self, **amounts: float) -> None:
        with self._lock:
            for key, value in amounts.items():
                self.usage_totals[key] = self.usage_totals.get(key, 0) + value

    # ------------------------------------------------------------ many papers

    def summarize_many(
        self, items: Iterable[tuple[Paper, FullText | None]]
    ) -> Iterator[tuple[Paper, Summary | Exception]]:
        """All papers at once with at most ``Settings.concurrency`` requests in flight;
        yields each (paper, summary) as it is done."""
        # Twice as many workers as request slots, so that parsing and verifying one answer
        # never keeps the next request of another paper from leaving.
        workers = 2 * max(1, self.settings.concurrency)
        self._stage_stop = time.monotonic() + self.settings.stage_deadline
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"llm-{self.id}") as pool:
            futures = {pool.submit(self.summarize, p, f): p for p, f in items}
            for future in as_completed(futures):
                paper = futures[future]
                try:
                    yield paper, future.result()
                except Exception as exc:  # a bug for one paper must not sink the day
                    yield paper, exc


def _past(exc: BaseException, until: float | None) -> bool:
    """Whether a failed request ran into its whole-answer deadline."""
    seen: BaseException | None = exc
    for _ in range(10):  # the SDKs wrap transport errors once or twice
        if seen is None:
            break
        if isinstance(seen, DeadlineExceeded):
            return True
        seen = seen.__cause__ or seen.__context__
    return until is not None and time.monotonic() >= until


def _about(model: str, exc: Exception) -> str:
    text = str(exc)
    return text if text.startswith(f"{model}:") else f"{model}: {text}"


def _tokens(text: str) -> int:
    """A safe token estimate without a tokenizer: ~4 characters a token in English."""
    return len(text) // 4 + 1
