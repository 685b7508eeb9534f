"""The Coach: loads config and rule packs once, then checks drafts.

Data flows one way: draft -> clean (text.py) -> Doc and counts (pipeline.py) -> checks
(checks/) -> findings -> scores (scoring.py) -> Report (models.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from . import (
    linear,
    render_html,  # noqa: F401  (registers the notebook views of what a Coach returns)
)
from .cache import CacheStore, fingerprint, gc_paused, open_store
from .checks.base import Check, MatcherBank
from .config import Config, find_config, load_config
from .context import Context, Customer
from .errors import ReplycoachError, RuleError
from .language import refuse_non_english
from .linear import LinearModel, Side, load_weights
from .models import ConversationReport, Edit, Finding, Metrics, Report, Signal, Strength, TurnReport
from .pipeline import Analysis, analyse, build_nlp, load_tables, plain_zipf
from .records import Turn
from .rewrite import (
    Rewrite,
    Rewriter,
    RuleRewriter,
    apply_edits,
    new_findings,
    onto_draft,
    rewrite_to_fixed_point,
    todos_in,
)
from .rules.loader import ParsedFiles, compile_error, kinds, load_rules, names_rule
from .rules.schema import CONVERSATION_SCOPES, Rule
from .scoring import conversation_score, dedupe, score
from .text import CleanText, clean, replace_unencodable

__all__ = ["Coach", "Draft"]

Draft = str | tuple[str, str | None] | dict[str, Any]
"""What `check_many` accepts: a draft, (draft, customer), or {"draft", "customer", "channel"}."""


class Coach:
    """Checks draft replies against the loaded rule packs. Build once, reuse for many drafts."""

    def __init__(self, *, config: Config | str | Path | None = None,
                 rules: Sequence[str | Path] = (), discover_config: bool = False, cache: bool = True) -> None:
        """`cache=False` (or REPLYCOACH_NO_CACHE=1) computes every compiled pack afresh and
        keeps nothing (see replycoach.cache)."""
        with gc_paused():  # see gc_paused: start-up makes long-lived objects, almost no garbage
            self._build(config, rules, discover_config=discover_config, cache=cache)

    def _build(self, config: Config | str | Path | None, rules: Sequence[str | Path], *,
               discover_config: bool, cache: bool) -> None:
        if config is None and discover_config:
            config = find_config()
        self.config = config if isinstance(config, Config) else load_config(config)
        self.nlp = build_nlp(self.config.model)
        self.rule_paths = [str(r) for r in rules]  # extra packs, for worker processes to load
        store = open_store(cache)
        linear.use_store(store)  # weights files (read by learned rules and the customer models) check faster
        parsed = self._parsed_files(store)
        self.rule_set = load_rules(self.config, rules, parsed=parsed)
        if store and parsed.added:
            store.save("yaml", self._parsed_key(), parsed.data)
        self.packs = self.rule_set.packs
        self.rules: tuple[Rule[Any], ...] = self.rule_set.rules
        phrases_key = self._phrases_key() if store else ""
        cached = store.load("phrases", phrases_key) if store else None
        known = (cached if isinstance(cached, dict) else {}) if store else None  # None: nothing to keep
        self._bank = MatcherBank(self.nlp, phrase_tokens=known)
        self._checks: list[Check[Any]] = []  # run on each reply
        self._late_checks: list[Check[Any]] = []  # run after those: learned rules read their findings
        self._conversation_checks: list[Check[Any]] = []  # run on a conversation's agent turns
        for rule in self.rules:
            check = kinds()[rule.spec.kind](rule)
            try:
                check.compile(self._bank)
            except ValueError as err:
                raise compile_error(rule, err) from None
            if rule.spec.scope in CONVERSATION_SCOPES:
                self._conversation_checks.append(check)
            elif getattr(check, "reads_findings", False):
                self._late_checks.append(check)
            else:
                self._checks.append(check)
        if store and self._bank.phrases_added:
            store.save("phrases", phrases_key, self._bank.phrase_tokens)
        self._learned_ids = frozenset(c.rule.id for c in self._late_checks)
        self._check_model_rules()
        self.customer_model = self._load_customer_model()
        self.very_upset_model = self._load_very_upset_model()
        self._word_level = frozenset(c.rule.id for c in self._checks if c.word_level)
        self._rule_weights = {r.id: r.spec.weight for r in self.rules if r.spec.weight is not None}
        self._allow = frozenset(a.lower() for a in self.config.allow)
        self._swap_rules = frozenset(r.id for r in self.rules if r.spec.kind == "substitution"
                                     and r.spec.category in ("readability", "jargon"))
        _load_lexicons(store)

    # --- loading ------------------------------------------------------------------------

    def _parsed_files(self, store: CacheStore | None) -> ParsedFiles:
        cached = store.load("yaml", self._parsed_key()) if store else None
        return ParsedFiles(cached if isinstance(cached, dict) else {})

    @staticmethod
    def _parsed_key() -> str:
        from .rules import loader

        return fingerprint(*ParsedFiles.KEY_PARTS, files=[Path(loader.__file__)])

    def _phrases_key(self) -> str:
        """What the rules' phrase tokens are computed from: the rule files, the tokenizer (spaCy
        and the pipeline named), the lemma tables and replycoach's code that sets the keys."""
        import spacy

        from . import __version__, pipeline
        from .checks import base

        meta = self.nlp.meta
        return fingerprint("phrases", __version__, spacy.__version__,
                           meta.get("lang"), meta.get("name"), meta.get("version"), self.config.model,
                           files=[Path(pipeline.__file__), pipeline.LEMMA_TABLE, Path(base.__file__),
                                  *sorted(r.path for p in self.packs for r in p.rules)])

    def _check_model_rules(self) -> None:
        """A learned rule may read the findings of rules that exist (a team may disable one: then
        it never fires, as in a reply where it had nothing to say) and are not learned themselves."""
        known = {r.id for p in self.packs for r in p.rules}
        learned = self._learned_ids
        for check in self._late_checks:
            bad = [r for r in check.model.recipe.rules if r not in known or r in learned]  # type: ignore[attr-defined]
            if bad:
                raise RuleError(f"{check.rule.id}: its model reads rule {bad[0]!r}, which "
                                + ("is itself a learned rule" if bad[0] in learned else "no loaded pack defines"),
                                code="RC209", place=str(check.rule.path),
                                remedy="load the pack that defines it, or retrain the model without it")

    def _load_customer_model(self) -> LinearModel | None:
        choice = self.config.customer_model
        if choice == "sentiment":
            return None
        path = Path(choice) if choice else Path(__file__).parent / "data" / "customer-upset.json"
        model = load_weights(path)
        if model.reads != "customer":
            raise RuleError(f"the customer-state model must read the customer's message, not {model.reads!r}",
                            code="RC209", place=str(path), remedy="train it with `--reads customer`")
        return model

    def _load_very_upset_model(self) -> LinearModel | None:
        """The model that grades an upset customer as very upset (a rant or strong emotion); not
        with customer_model = 'sentiment', the choice of a team that wants no learned customer model."""
        if self.config.customer_model == "sentiment":
            return None
        return load_weights(Path(__file__).parent / "data" / "customer-very-upset.json")

    def warm_up(self) -> None:
        """Load now what checks otherwise load the first time a draft needs it: wordfreq (for a
        word that is not plain a-z, such as "I'll") with its English list and the other
        languages' short lists (for a draft that may be in another language), and whatever one
        check of a reply and its customer message builds. `Coach()` leaves these out, since one
        `replycoach check` rarely needs them all; processes forked from a warmed Coach (batch
        workers, the service's check processes) share one copy instead of each loading its own,
        about half a second of CPU apiece."""
        from wordfreq import get_frequency_dict, zipf_frequency

        from .language import OTHER_LANGUAGES

        with gc_paused():
            for language, wordlist in (("en", "best"), *((other, "small") for other in OTHER_LANGUAGES)):
                get_frequency_dict(language, wordlist)  # as wordfreq asks for them, so its cache holds them
            zipf_frequency("i'll", "en")  # and its tokenizer, built on first use
            try:
                self.check("Thanks for waiting, I'll look into it now.", customer="Where is my order? It's late!")
            except ReplycoachError:  # a team's config may refuse it (max_chars): only a saving is lost
                pass

    def rule(self, rule_id: str) -> Rule[Any]:
        """A loaded rule by id, or RuleError RC206."""
        return self.rule_set.rule(rule_id)

    # --- checking -----------------------------------------------------------------------

    def check(self, draft: str, *, customer: str | None = None, channel: str | None = None,
              input_format: str = "auto", ignore: Sequence[str] = ()) -> Report:
        """Check one draft reply, optionally with the customer message it answers; `ignore` turns
        rules off for this call (ids or dotted prefixes such as "tone" or "jargon.telecom")."""
        dropped = self._ignored(ignore)
        cleaned = clean(draft, input_format=input_format, max_chars=self.config.max_chars, require_words=True)
        analysis = analyse(self.nlp, cleaned)
        return self._without(self._report(analysis, self._customer(customer), channel or self.config.default_channel),
                             dropped)

    def rewrite(self, draft: str, *, customer: str | None = None, channel: str | None = None,
                input_format: str = "auto", rewriter: Rewriter | None = None, slots: bool = False,
                ignore: Sequence[str] = ()) -> Rewrite:
        """A plainer draft that scores at least as well, with every edit and its reason.

        `rewriter` plugs in another source of edits (see `Rewriter`); its edits pass the same
        guard as the built-in rule-based ones. The result is the draft as given with only the
        edited spans changed (for HTML too, where it can be aligned; else the cleaned text).
        Edits that leave a `[slot]` for the agent ("by [day]" for "soon") come only with
        `slots=True`, each slot then a to-do: trainers read a deadline slot where no honest date
        fits (a bug fix, a hold queue) as a worse reply. One-word swaps ("provide" -> "give")
        stay suggestions: a trainer leaves them to the agent, and they break names and grammar.
        `ignore` turns rules off as for `check`: their findings are neither reported nor edited.
        """
        dropped = self._ignored(ignore)
        cleaned = clean(draft, input_format=input_format, max_chars=self.config.max_chars, require_words=True)
        customer_view = self._customer(customer)
        chan = channel or self.config.default_channel
        analysis = analyse(self.nlp, cleaned)

        # Edits are guarded by the rules alone: a learned rule judges the whole reply and, near
        # its threshold, flips on any small edit, which would make the guard's verdict depend on
        # the order edits were tried. The learned rules then judge the finished rewrite once.
        def check_text(text: str) -> tuple[Report, CleanText]:
            again = clean(text, input_format="text", max_chars=self.config.max_chars * 2)
            return self._without(self._report(analyse(self.nlp, again), customer_view, chan, learned=False),
                                 dropped), again

        reports = [self._without(r, dropped) for r in self._reports(analysis, customer_view, chan)]
        first, before = reports[0], reports[-1]  # the rules alone, and with the learned rules
        draft = replace_unencodable(draft)[0]  # the draft as given, as far as it can be sent
        unchanged = Rewrite(text=draft, edits=(), before=before, after=before)
        result = rewrite_to_fixed_point(check_text, first, cleaned, customer=customer,
                                        rewriter=rewriter or RuleRewriter(skip=self._is_swap),
                                        word_level=self._word_level,
                                        customer_upset=bool(customer_view and customer_view.upset), slots=slots)
        if not result.edits:
            return unchanged.model_copy(update={"rejected": result.rejected})
        had = {f.rule for f in before.findings}

        def judged(text: str) -> tuple[Report, list[str]]:
            """The full report of a rewritten text, and the learned rules it newly fires."""
            again = clean(text, input_format="text", max_chars=self.config.max_chars * 2)
            report = self._without(self._report(analyse(self.nlp, again), customer_view, chan), dropped)
            return report, [f.rule for f in report.findings if f.rule not in had and f.rule in self._learned_ids]

        after_report, worse = judged(result.text)
        if after_report.score < before.score or worse:
            why = f"the learned rules judged the rewrite worse ({', '.join(worse) or 'a lower score'})"
            # A learned rule near its threshold can flip on the whole rewrite: keep all the edits
            # but one where that passes (the last edit first), rather than none. A lone edit has
            # nothing to keep. The edits were guarded together, so the rest must pass the guard
            # again: without a new line, a spelled-out acronym can lift the reading grade.
            for i in reversed(range(len(result.edits))) if len(result.edits) > 1 else ():
                kept = result.edits[:i] + result.edits[i + 1:]
                text, placed = apply_edits(first.text, kept)
                trial, trial_worse = judged(text)
                todos = todos_in(text, placed)
                if (trial.score >= before.score and not trial_worse
                        and not new_findings(before, trial, [(t.start, t.end) for t in todos], self._word_level)):
                    result = result.model_copy(update={
                        "text": text, "edits": kept, "todos": todos,
                        "rejected": (*result.rejected, f"{result.edits[i].rule}: {why} with this edit")})
                    after_report = trial
                    break
            else:
                return unchanged.model_copy(update={"rejected": (*result.rejected, why)})
        result = result.model_copy(update={"before": before, "after": after_report})
        if cleaned.input_format == "html":
            return _onto_draft(result, draft)
        return result

    def _ignored(self, ignore: Sequence[str]) -> frozenset[str]:
        """The loaded rule ids that `ignore` (ids or dotted prefixes) names; RC206 for a name that
        matches no rule of the loaded packs."""
        if isinstance(ignore, str):  # one id, not its letters
            ignore = (ignore,)
        if not ignore:  # every check asks: nothing to look through
            return frozenset()
        known = [r.id for p in self.packs for r in p.rules]
        unknown = [i for i in ignore if not any(names_rule(i, k) for k in known)]
        if unknown:
            raise RuleError(f"cannot ignore {', '.join(map(repr, unknown))}: no loaded rule has that id or prefix",
                            code="RC206", remedy="list the loaded rules with `replycoach rules list`")
        return frozenset(r.id for r in self.rules if any(names_rule(i, r.id) for i in ignore))

    def _without(self, report: Report, dropped: frozenset[str]) -> Report:
        """The report with the dropped rules' findings, strengths and signals taken out and the
        scores worked out again: filtering is far cheaper than a Coach without those rules.
        Learned rules still read what the dropped rules found, as they were trained to."""
        if not dropped:
            return report
        findings = tuple(f for f in report.findings if f.rule not in dropped)
        strengths = tuple(s for s in report.strengths if s.rule not in dropped)
        signals = tuple(s for s in report.signals if s.rule not in dropped)
        result = score(findings, strengths, words=report.metrics.words, weights=self.config.weights,
                       threshold=self.config.threshold, word_level=self._word_level,
                       rule_weights=self._rule_weights, signals=signals)
        return report.model_copy(update={"findings": findings, "strengths": strengths, "signals": signals,
                                         "score": result.overall, "passed": result.passed,
                                         "categories": result.categories})

    def _is_swap(self, edit: Edit, text: str) -> bool:
        """A one-word swap ("provide" -> "give", "driver" -> "software"): not an explanation, and
        not a wordy phrase made short ("in order to" -> "to")."""
        return edit.rule in self._swap_rules and len(text[edit.start:edit.end].split()) == 1 \
            and "(" not in edit.replacement

    def _model_inputs(self, draft: str | None, *, customer: str | None, channel: str | None,
                      with_findings: bool) -> tuple[Side | None, Side | None, frozenset[str]]:
        """What a learned rule reads of a draft: the reply and customer as models see them, and the
        rules that fired before the learned ones (for `replycoach train`)."""
        customer_view = self._customer(customer)
        if draft is None:
            return None, customer_view.side if customer_view else None, frozenset()
        analysis = analyse(self.nlp, clean(draft, max_chars=self.config.max_chars))
        fired: frozenset[str] = frozenset()
        if with_findings:
            fired = self._rules_pass(analysis, customer_view, channel or self.config.default_channel)[0].fired
        return Side.of(analysis), customer_view.side if customer_view else None, fired

    def check_many(self, drafts: Iterable[Draft], *, channel: str | None = None,
                   input_format: str = "auto", batch_size: int = 256,
                   errors: str = "return") -> Iterator[Report | ReplycoachError]:
        """Check many drafts, streaming through `nlp.pipe`; yields one result per draft, in order.

        With `errors="return"` a draft that cannot be checked yields its ReplycoachError and the
        stream goes on; with `errors="raise"` the error is raised.
        """
        pending: list[tuple[CleanText | ReplycoachError, str | None, str]] = []

        def flush() -> Iterator[Report | ReplycoachError]:
            ok = [p for p in pending if isinstance(p[0], CleanText)]
            docs = iter(self.nlp.pipe([p[0].analysed for p in ok], batch_size=batch_size))  # type: ignore[union-attr]
            for item, cust, chan in pending:
                if isinstance(item, ReplycoachError):
                    result: Report | ReplycoachError = item
                else:
                    doc = next(docs)
                    try:
                        result = self._report(analyse(self.nlp, item, doc), self._customer(cust), chan)
                    except ReplycoachError as err:
                        result = err
                if isinstance(result, ReplycoachError) and errors == "raise":
                    raise result
                yield result
            pending.clear()

        for item in drafts:
            text, cust, chan = _unpack(item)
            try:
                cleaned: CleanText | ReplycoachError = clean(
                    text, input_format=input_format, max_chars=self.config.max_chars, require_words=True)
            except ReplycoachError as err:
                cleaned = err
            pending.append((cleaned, cust, chan or channel or self.config.default_channel))
            if len(pending) >= batch_size:
                yield from flush()
        yield from flush()

    def check_conversation(self, turns: Sequence[Turn | tuple[str, str] | dict[str, Any]], *,
                           channel: str | None = None) -> ConversationReport:
        """Check each agent turn with the customer turns it answers, then the conversation-level
        rules (scope `conversation`, `first-turn`, `last-turn`) on the agent turns together."""
        chan = channel or self.config.default_channel
        reports: list[TurnReport] = []
        agent_texts: list[str] = []
        waiting: list[str] = []  # customer turns since the last agent turn
        answered: list[str] = []  # the customer turns the last agent turn answered
        customer_all: list[str] = []
        for i, raw in enumerate(turns):
            turn = _as_turn(raw)
            if turn.role != "agent":
                if turn.role == "customer" and turn.text.strip():
                    waiting.append(turn.text)
                    customer_all.append(turn.text)
                reports.append(TurnReport(index=i, role=turn.role, author=turn.author))
                continue
            context = "\n\n".join(waiting or answered) or None
            answered, waiting = (waiting or answered), []
            try:
                report = self.check(turn.text, customer=context, channel=chan)
            except ReplycoachError as err:
                reports.append(TurnReport(index=i, role="agent", author=turn.author, error=err.to_dict()))
                continue
            agent_texts.append(report.text)
            reports.append(TurnReport(index=i, role="agent", author=turn.author, report=report))
        text, findings = self._conversation_findings(agent_texts, "\n\n".join(customer_all) or None, chan)
        scored = [t.report for t in reports if t.report is not None]
        score_, passed = conversation_score(scored, findings, weights=self.config.weights,
                                            threshold=self.config.threshold, rule_weights=self._rule_weights)
        return ConversationReport(score=score_, passed=passed, threshold=self.config.threshold,
                                  turns=tuple(reports), findings=tuple(findings), text=text)

    def _conversation_findings(self, agent_texts: list[str], customer: str | None,
                               channel: str) -> tuple[str, list[Finding]]:
        if not agent_texts or not self._conversation_checks:
            return "\n\n".join(agent_texts), []
        text = "\n\n".join(agent_texts)
        ranges, at = [], 0
        for t in agent_texts:
            ranges.append((at, at + len(t)))
            at += len(t) + 2
        cleaned = clean(text, input_format="text", max_chars=self.config.max_chars * 10)
        analysis = replace(analyse(self.nlp, cleaned), turns=tuple(ranges))
        try:
            customer_view = self._customer(customer)
        except ReplycoachError:
            customer_view = None
        ctx = Context(channel=channel, policy=self.config.policy(channel), config=self.config,
                      customer=customer_view, allow=self._allow, hits=self._bank.run(analysis.doc))
        findings = [f for check in self._conversation_checks for f in check.run(analysis, ctx)
                    if isinstance(f, Finding)]
        return text, sorted(findings, key=lambda f: (f.start, f.rule))

    def _customer(self, customer: str | None) -> Customer | None:
        if customer is None or (isinstance(customer, str) and not customer.strip()):
            return None  # a customer message that is not text gets clean()'s coded error
        cleaned = clean(customer, max_chars=self.config.max_chars, name="customer message")
        # Only words are needed from the customer's message: tokenise, no sentences or norms.
        words = analyse(self.nlp, cleaned, self.nlp.make_doc(cleaned.analysed), sentences=False)
        return Customer.from_analysis(words, model=self.customer_model, very_upset_model=self.very_upset_model,
                                      upset_at=self.config.upset_sentiment)

    def _report(self, analysis: Analysis, customer: Customer | None, channel: str, *,
                learned: bool = True) -> Report:
        """The report on a draft; with `learned=False`, of the rules alone (the rewrite guard's view)."""
        return self._reports(analysis, customer, channel, rules_alone=not learned, full=learned)[-1]

    def _reports(self, analysis: Analysis, customer: Customer | None, channel: str, *,
                 rules_alone: bool = True, full: bool = True) -> tuple[Report, ...]:
        """The rules-alone report and/or the full one, from one pass: the learned rules run after
        the others."""
        refuse_non_english(analysis)
        ctx, (findings, strengths, signals) = self._rules_pass(analysis, customer, channel)
        reports = []
        if rules_alone or not self._late_checks:
            reports.append(self._scored(analysis, customer, channel, findings, strengths, signals, ctx.unchecked))
        if full and self._late_checks:
            more = self._run(self._late_checks, analysis, ctx)
            reports.append(self._scored(analysis, customer, channel, findings + more[0], strengths + more[1],
                                        signals + more[2], ctx.unchecked))
        return tuple(reports)

    def _rules_pass(self, analysis: Analysis, customer: Customer | None, channel: str
                    ) -> tuple[Context, tuple[list[Finding], list[Strength], list[Signal]]]:
        """Every rule but the learned ones, and the context the learned ones then read (with the
        rules that fired)."""
        ctx = Context(channel=channel, policy=self.config.policy(channel), config=self.config, customer=customer,
                      allow=self._allow, hits=self._bank.run(analysis.doc))
        found = self._run(self._checks, analysis, ctx)
        ctx.fired = frozenset([*(f.rule for f in found[0]), *(s.rule for s in found[1])])
        return ctx, found

    @staticmethod
    def _run(checks: list[Check[Any]], analysis: Analysis, ctx: Context
             ) -> tuple[list[Finding], list[Strength], list[Signal]]:
        findings: list[Finding] = []
        strengths: list[Strength] = []
        signals: list[Signal] = []
        for check in checks:
            for item in check.run(analysis, ctx):
                if isinstance(item, Strength):
                    strengths.append(item)
                elif isinstance(item, Signal):
                    signals.append(item)
                else:
                    findings.append(item)
        return findings, strengths, signals

    def _scored(self, analysis: Analysis, customer: Customer | None, channel: str, findings: list[Finding],
                strengths: list[Strength], signals: list[Signal], unchecked: list[str]) -> Report:
        findings = dedupe(findings, self._word_level)
        result = score(findings, strengths, words=analysis.words, weights=self.config.weights,
                       threshold=self.config.threshold, word_level=self._word_level,
                       rule_weights=self._rule_weights, signals=signals)
        metrics = Metrics(
            grade=analysis.grade, grade_target=self.config.policy(channel).grade, words=analysis.words,
            sentences=sum(1 for s in analysis.sentences if s.words), channel=channel,
            customer_sentiment=customer.sentiment if customer else None,
            customer_upset=bool(customer and customer.upset),
            customer_upset_p=customer.upset_p if customer else None,
            customer_upset_level=customer.level if customer else None,
            customer_cues=customer.cues if customer else (),
            protected_spans=len(analysis.clean.protected),
            replaced_characters=analysis.clean.replaced + (customer.analysis.clean.replaced if customer else 0),
            unchecked_rules=tuple(unchecked))
        return Report(score=result.overall, passed=result.passed, threshold=self.config.threshold,
                      categories=result.categories, metrics=metrics, findings=tuple(findings),
                      strengths=tuple(strengths), signals=tuple(signals), text=analysis.text,
                      input_format=analysis.clean.input_format)


def _onto_draft(result: Rewrite, draft: str) -> Rewrite:
    """An HTML or entity-encoded draft's rewrite as the draft as given, edited in place."""
    placed = onto_draft(draft, result.before.text, result.edits)
    if placed is None:
        return result.model_copy(update={"rejected": (
            *result.rejected, "the edits cross HTML markup: the rewrite is of the cleaned text")})
    text, edits, landed = placed
    return result.model_copy(update={"text": text, "edits": edits, "todos": todos_in(text, landed)})


def _load_lexicons(store: CacheStore | None) -> None:
    """Read the word lists every check consults (each once per process): otherwise the first
    check pays for reading them, 0.3 s and more, and a check meeting its first word outside
    CMUdict 0.1 s. The other languages' lists stay for the few replies that need them (see
    language.looks_foreign): a process checking English never reads them. With the cache,
    wordfreq is imported only for a word that is not plain a-z (see pipeline.plain_zipf)."""
    from . import signals

    load_tables(store)
    if plain_zipf("the") is None:
        from wordfreq import zipf_frequency

        zipf_frequency("the", "en")  # wordfreq reads a language's list on first look-up
    signals.load_lexicons(store)
    linear.load_lexicons()


def _as_turn(raw: Turn | tuple[str, str] | dict[str, Any]) -> Turn:
    if isinstance(raw, Turn):
        return raw
    if isinstance(raw, tuple):
        return Turn(role=raw[0], text=raw[1])
    return Turn(role=str(raw.get("role", "")), text=str(raw.get("text", "")), author=raw.get("author"))


def _unpack(item: Draft) -> tuple[str, str | None, str | None]:
    if isinstance(item, str):
        return item, None, None
    if isinstance(item, tuple):
        return item[0], item[1], None
    if isinstance(item, dict):
        return str(item.get("draft", item.get("text", ""))), item.get("customer"), item.get("channel")
    return item, None, None  # type: ignore[return-value]  # clean() reports the wrong type
