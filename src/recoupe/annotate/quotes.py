"""Direct quotations of one article: the words inside the marks, the cue, the speaker.

Quotation marks are paired with a stack, so nested marks stay inside their outer
quotation, a quotation continued over paragraphs (the next paragraph reopens the
mark) stays one, and a stray mark is ignored. Two quotations separated only by an
incise ("“A,” he said, “B.”") are kept as one. The cue is searched in this order:
right after the quotation (in the next sentence when the quotation ends with "?" or
"!"), before it in its sentence, later in its sentence, "selon X" / "according to X",
inside the quotation (French incise), the subject of a clause ending with a colon; a
quotation standing alone takes the speaker of the sentence before it. Pronouns,
inversions ("a-t-il ajouté"), "M. Kim", nationality nouns ("l'Américain") and role
phrases are resolved inside the article (a role after a continuing cue such as "a
ajouté" to the speaker before); a role the article does not resolve is kept in
``speaker_role`` for the story, and a generic source ("la presse") has no speaker.

Language knowledge lives in ``lang/quotes/<language>.toml``.
"""

from __future__ import annotations

import bisect
import dataclasses
import itertools
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache

from ..langdata import load_table
from ..records import Article, Mention, Quotation, Sentence
from ..settings import AnnotateSettings

_SPACES = " \t\u00a0\u202f\u2009"
# A capitalised word; only a short one (an initial, "Mr.", "Sen.") may end with a full stop.
_CAP = r"[A-ZÀ-ÖØ-Þ](?:[\w’'\-]{3,}|[\w’'\-]{0,2}\.?)"
_GAP = r"[ \t\u00a0]+"
_NAME = rf"{_CAP}(?:{_GAP}(?:(?:de|du|van|von|der|den|bin|ben|al|da|di|del|la|le){_GAP})?{_CAP})*"
_NAME_RE = re.compile(_NAME)
_CUT = re.compile(r"[,;:!?()«»“”„\"\n]|\.(?:\s|$)")
# Phrase kinds that designate a speaker by themselves (not "other", "zero", "pronoun").
_SPEAKER_KINDS = frozenset({"name", "role", "anaphor", "demonym"})
_FUNCTION = frozenset({"de", "du", "des", "d", "la", "le", "l", "les", "of", "the", "a", "an", "et", "and"})


def fold(text: str) -> str:
    """Lower case, no accents, one kind of apostrophe: for comparing words."""
    decomposed = unicodedata.normalize("NFKD", text.replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _alt(words: Iterable[str]) -> str:
    forms = sorted({w for w in words if w}, key=len, reverse=True)
    if not forms:
        return "(?!)"
    parts = []
    for form in forms:
        escaped = re.escape(form).replace(r"\ ", r"\s+")
        parts.append(re.sub(r"['’]", "['’]", escaped))
    return "(?:" + "|".join(parts) + ")"


@dataclass(frozen=True, slots=True)
class QuoteTable:
    """The compiled quotation table of one language."""

    closers: dict[str, str]
    min_words: int
    verb_re: re.Pattern[str]
    prep_re: re.Pattern[str]
    topic_re: re.Pattern[str]
    pronoun_re: re.Pattern[str]
    pronoun_end_re: re.Pattern[str]
    plural: frozenset[str]
    singular: frozenset[str]
    indefinite: frozenset[str]
    det_re: re.Pattern[str]
    honorific_re: re.Pattern[str]
    tail_re: re.Pattern[str]
    aux_words: frozenset[str]
    gerunds: frozenset[str]
    incise_end: re.Pattern[str]
    manner_re: re.Pattern[str]
    conjunctions: frozenset[str]
    relative_re: re.Pattern[str]
    gendered: dict[str, str]
    determiner_gender: dict[str, str]
    pronoun_gender: dict[str, str]
    oblique: frozenset[str]
    stops: frozenset[str]
    anaphors: tuple[str, ...]
    work_nouns: frozenset[str]
    roles: tuple[tuple[str, str], ...]
    former: frozenset[str]
    referring_groups: frozenset[str]
    continuing_re: re.Pattern[str]
    generic: frozenset[str]
    complement_re: re.Pattern[str]
    demonym_endings: tuple[str, ...]
    affiliation_re: re.Pattern[str]


@cache
def quote_table(language: str) -> QuoteTable | None:
    """The table for ``language``, or None when recoupe has none for it."""
    data = load_table("quotes", language)
    if not data.get("pairs"):
        return None
    flags = re.IGNORECASE
    aux, inv, adv = _alt(data["auxiliaries"]), _alt(data["inversions"]), _alt(data["adverbs"])
    verb = _alt([*data["participles"], *data["gerunds"], *data["infinitives"]])
    singular = data["pronouns_singular"]
    plural = data["pronouns_plural"]
    pronouns = _alt([*singular, *plural])
    return QuoteTable(
        closers={opener: closer for opener, closer in data["pairs"]},
        min_words=int(data["min_words"]),
        verb_re=re.compile(
            rf"(?<![\w\-’'])(?:(?P<aux>{aux})(?P<inv1>{inv})?(?:\s*,[^,.;:«»“”\"\n]{{1,40}},)?"
            rf"(?:\s*,?\s+(?:{adv})\s*,?)*\s+)?"
            rf"(?P<verb>{verb})(?P<inv2>{inv})?(?![\w])",
            flags,
        ),
        prep_re=re.compile(rf"(?<![\w])(?P<verb>{_alt(data['prepositions'])})(?![\w])", flags),
        topic_re=re.compile(rf"^\s*(?P<verb>{_alt(data['topic_cues'])})\s+(?P<np>[^,]{{2,80}}),", flags),
        pronoun_re=re.compile(rf"{pronouns}(?![\w\-])", flags),
        pronoun_end_re=re.compile(rf"(?:^|(?<=[\s'’]))(?P<p>{pronouns})$", flags),
        plural=frozenset(fold(p) for p in plural),
        singular=frozenset(fold(p) for p in singular),
        indefinite=frozenset(fold(d) for d in data["indefinite"]),
        det_re=re.compile(rf"(?:{_alt(data['determiners'])})(?:\s+|(?<=['’]))", flags),
        honorific_re=re.compile(rf"(?:{_alt(data['honorifics'])})(?=\s)"),
        tail_re=re.compile(rf"(?:^|[\s,])(?:{adv}|{aux})$", flags),
        aux_words=frozenset(fold(w) for w in data["auxiliaries"] if " " not in w),
        gerunds=frozenset(fold(w) for w in data["gerunds"]),
        conjunctions=frozenset(fold(w) for w in data["conjunctions"]),
        relative_re=re.compile(rf",\s*(?:{_alt(data['relatives'])})$", flags),
        gendered={fold(w): g for g, words in data["gendered"].items() for w in words},
        determiner_gender={fold(w): g for g, words in data["determiner_gender"].items() for w in words},
        pronoun_gender={fold(p): g for g, words in data["pronoun_gender"].items() for p in words},
        manner_re=re.compile(rf"\w+(?:{_alt(data['adverb_suffixes'])})(?![\w\-])\s+"),
        incise_end=re.compile(
            r"[\s,;:—–-]*[^.!?]*[,:;" + ("." if data["incise_across_sentences"] else "") + r"—–-]\s*"
        ),
        oblique=frozenset(fold(w).rstrip("'") for w in data["oblique"]),
        stops=frozenset(fold(w) for w in data["stops"]),
        anaphors=tuple(fold(a) for a in data["anaphors"]),
        work_nouns=frozenset(fold(w) for w in data["work_nouns"]),
        referring_groups=frozenset(data["referring_groups"]),
        former=frozenset(fold(w) for w in data["former"]),
        generic=frozenset(fold(w) for w in data["generic"]),
        demonym_endings=tuple(fold(e) for e in data["demonym_endings"]),
        affiliation_re=re.compile(_alt(data["affiliations"])),
        complement_re=re.compile(rf"[\s\u00a0]*{_alt(data['complements'])}(?![\w\-])", flags),
        continuing_re=re.compile(rf"(?<![\w\-]){_alt(fold(c) for c in data['continuing'])}(?![\w])"),
        roles=tuple(
            sorted(
                ((fold(noun), group) for group, nouns in data["roles"].items() for noun in nouns),
                key=lambda item: len(item[0]),
                reverse=True,
            )
        ),
    )


# ----------------------------------------------------------------------- marks


@dataclass(frozen=True, slots=True)
class _Segment:
    open: int
    after: int
    start: int
    end: int


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and (text[start].isspace() or text[start] in _SPACES):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in _SPACES):
        end -= 1
    return start, end


def _segments(text: str, table: QuoteTable) -> list[_Segment]:
    """Top-level quoted segments; one left open ends with its paragraph."""
    closers = table.closers
    closing = set(closers.values())
    found: list[_Segment] = []
    stack: list[str] = []
    first = 0

    def close_at(inner_end: int, after: int) -> None:
        start, end = _strip_span(text, first + 1, inner_end)
        if end > start:
            found.append(_Segment(first, after, start, end))
        stack.clear()

    i = 0
    while i < len(text):
        c = text[i]
        if c == "\n" and stack:
            j = i
            while j < len(text) and (text[j].isspace() or text[j] in _SPACES):
                j += 1
            if j < len(text) and text[j] == stack[0]:
                del stack[1:]
                i = j + 1
                continue
            close_at(i, i)
        elif stack and closers[stack[-1]] == c:
            stack.pop()
            if not stack:
                close_at(i, i + 1)
        elif c in closers and (c not in closing or _opens(text, i)):
            if not stack:
                first = i
            stack.append(c)
        elif c in closing:
            depth = next((k for k in range(len(stack) - 1, -1, -1) if closers[stack[k]] == c), None)
            if depth == 0:
                close_at(i, i + 1)
            elif depth is not None:
                del stack[depth:]
        i += 1
    if stack:
        close_at(len(text), len(text))
    return found


def _opens(text: str, i: int) -> bool:
    """A mark that both opens and closes opens after a space or an opening sign."""
    return i == 0 or text[i - 1].isspace() or text[i - 1] in "([{—–-/:'’" + _SPACES


# ---------------------------------------------------------------- noun phrases


@dataclass(frozen=True, slots=True)
class _Phrase:
    start: int
    end: int
    kind: str


@dataclass(frozen=True, slots=True)
class _Person:
    start: int
    end: int
    surface: str


@dataclass(frozen=True, slots=True)
class RoleHolder:
    """A person the text names together with a role ("le président russe, Vladimir Poutine")."""

    name: str
    start: int
    end: int
    role: str
    group: str


def role_group(phrase: str, table: QuoteTable) -> tuple[str, str] | None:
    """The (role noun, group) a phrase designates, the longest role noun first."""
    folded = re.sub(r"(?<![\w\-])ex-", "", fold(phrase))
    for noun, group in table.roles:
        if re.search(rf"(?<![\w\-]){re.escape(noun)}s?(?![\w\-])", folded):
            return noun, group
    return None


def role_modifiers(phrase: str, noun: str) -> frozenset[str]:
    """Content words of a role phrase besides its role noun: "russe", "kremlin"."""
    words = re.findall(r"[\w\-]+", fold(phrase).replace(noun, " "))
    return frozenset(w[:4] for w in words if len(w) >= 3 and w not in _FUNCTION)


def rank_role_holders(role: str, holders: Sequence[RoleHolder], table: QuoteTable) -> list[RoleHolder]:
    """Holders that fit a role phrase, best first; empty when none fits for sure.

    A holder fits when its role is of the same group, is as current as the phrase
    ("l'ancien monarque" is no "président") and shares a modifier ("chef de l'État
    russe" ~ "président russe"); with no modifier to compare, the role fits only
    when one person holds roles of that group. Ties go to the same role noun, then
    to the person most often given such a role.
    """
    found = role_group(role, table)
    if found is None:
        return []
    noun, group = found
    former = _is_former(role, table)
    same = [h for h in holders if h.group == group and _is_former(h.role, table) == former]
    wanted = role_modifiers(role, noun)
    if not wanted:
        names = {fold(h.name) for h in same}
        return same[:1] if len(names) == 1 else []
    popularity = Counter(fold(h.name) for h in same)
    scored = []
    for holder in same:
        holder_noun = role_group(holder.role, table)
        have = role_modifiers(holder.role, holder_noun[0] if holder_noun else "")
        score = len(wanted & have)
        if score:
            same_noun = holder_noun is not None and holder_noun[0] == noun
            scored.append(((score, same_noun, popularity[fold(holder.name)]), holder))
    scored.sort(key=lambda item: item[0], reverse=True)
    return [holder for _, holder in scored]


def _is_former(role: str, table: QuoteTable) -> bool:
    return any(w in table.former for w in re.findall(r"[\w]+", fold(role)))


def _function_words(table: QuoteTable) -> frozenset[str]:
    return table.stops | _FUNCTION


class _Article:
    """What resolving speakers needs to know about one article."""

    def __init__(
        self,
        text: str,
        sentences: Sequence[Sentence],
        mentions: Sequence[Mention],
        segments: Sequence[_Segment],
        table: QuoteTable,
    ) -> None:
        self.text = text
        self.table = table
        self.sentences = sorted(sentences, key=lambda s: s.start)
        self.starts = [s.start for s in self.sentences]
        self.quoted = [(s.start, s.end) for s in segments]
        self.recognised = bool(mentions)
        self.persons = self._persons(mentions)
        self.holders = role_holders(text, [(p.start, p.end) for p in self.persons], table)
        self.history: list[tuple[int, str | None, int | None, int | None, str | None]] = []
        self._genders: dict[str, str | None] = {}
        self.cue_subjects = self._cue_subjects()

    def inside_quote(self, pos: int) -> bool:
        i = bisect.bisect_right(self.quoted, (pos, len(self.text) + 1)) - 1
        return i >= 0 and self.quoted[i][0] <= pos < self.quoted[i][1]

    def _persons(self, mentions: Sequence[Mention]) -> list[_Person]:
        people = [_Person(m.start, m.end, m.text) for m in mentions if m.type == "person"]
        if not mentions:
            people = self._guess_names()
        return sorted((p for p in people if not self.inside_quote(p.start)), key=lambda p: p.start)

    def _guess_names(self) -> list[_Person]:
        """Names by capitalisation when no recogniser ran: two capitalised words or a title and one."""
        people = []
        for match in _NAME_RE.finditer(self.text):
            start, end = _trim_name(self.text, match.start(), match.end(), self.table)
            words = self.text[start:end].split()
            titled = self.table.honorific_re.search(self.text[max(0, start - 12) : start] + " ") is not None
            before = self.text[max(0, start - 5) : start].split()
            after_det = bool(before) and self.table.det_re.fullmatch(before[-1] + " ") is not None
            dated = any(fold(w) in self.table.stops for w in words)
            if (len(words) >= 2 or (words and titled)) and not after_det and not dated:
                people.append(_Person(start, end, self.text[start:end]))
        return people

    # ------------------------------------------------------------- boundaries

    def paragraph(self, pos: int) -> tuple[int, int]:
        start = self.text.rfind("\n", 0, pos) + 1
        end = self.text.find("\n", pos)
        return start, len(self.text) if end < 0 else end

    def sentence(self, pos: int) -> tuple[int, int]:
        para = self.paragraph(pos)
        i = bisect.bisect_right(self.starts, pos) - 1
        if i >= 0 and self.sentences[i].end >= pos:
            return max(self.sentences[i].start, para[0]), min(self.sentences[i].end, para[1])
        return para

    # ------------------------------------------------------------ resolution

    def oblique(self, start: int) -> bool:
        """Whether a name is a complement ("avec Kim", "to Smith"), not a subject."""
        before = self.text[max(0, start - 40) : start].rpartition("\n")[2]
        before = self.table.honorific_re.sub(" ", before + " ").rstrip()
        words = re.findall(r"[\w’'\-]+['’]?|[^\w\s]", before)
        if not words:
            return False
        if fold(words[-1]).rstrip("'") in self.table.oblique:
            return True
        if self.table.det_re.fullmatch(words[-1] + ("" if words[-1][-1] in "'’" else " ")):
            # "the Middle East", "la Corée du Nord": a name after an article is no person.
            return True
        # "l'agence de presse russe Ria": a name in apposition to a noun that is no role.
        # The noun a name complements is in the same clause: a full stop ends the search too.
        tail = " ".join(re.split(r"[,;:()«»“”\"\n]|[.!?…](?=\s|$)", before)[-1].split()[-6:])
        for det in self.table.det_re.finditer(tail):
            phrase = tail[det.start() :]
            if (det.start() and tail[det.start() - 1].isalpha()) or fold(det.group().strip()) in self.table.stops:
                # "something that concerns Henry Crespo": a relative "that" heads no noun.
                continue
            previous = tail[: det.start()].split()
            if previous and fold(previous[-1]) in self.table.oblique:
                return False
            words_after = phrase.split()[1:]
            if (
                words_after
                and not self.table.verb_re.search(phrase)
                and not any(fold(w) in self.table.stops | self.table.aux_words for w in words_after)
            ):
                return role_group(phrase, self.table) is None
        return False

    def expand(self, surface: str, start: int, end: int) -> tuple[str, int, int]:
        """The fullest earlier form of a name ("Kim" -> "Kim Jong Un")."""
        tokens = set(re.split(r"[\s\-]+", fold(surface)))
        longer = [p for p in self.persons if tokens < set(re.split(r"[\s\-]+", fold(p.surface)))]
        if not longer:
            return surface, start, end
        counts = Counter(fold(p.surface) for p in longer)
        best = max(longer, key=lambda p: (p.start < start, counts[fold(p.surface)], -abs(p.start - start)))
        return best.surface, best.start, best.end

    def antecedent(
        self, pos: int, *, any_person: bool = False, gender: str | None = None, resume: bool = False
    ) -> tuple[str | None, int | None, int | None, str | None]:
        """The speaker a singular pronoun at ``pos`` stands for: the nearest earlier speaker or
        subject (a speaker wins within its sentence) whose gender, when the article shows
        it, agrees with the pronoun. With ``resume`` (a cue such as "a ajouté", "added")
        the nearest earlier quotation speaker, when there is one: who adds has spoken."""
        if resume:
            found = self.last_speaker(pos, gender)
            if found[0] is not None:
                return found
        best: tuple[int, tuple[str | None, int | None, int | None, str | None]] | None = None
        for at, speaker, s_start, s_end, role in [*self.history, *self.cue_subjects]:
            if at < pos and speaker is not None and (best is None or at > best[0]) and self.agrees(speaker, gender):
                best = (at, (speaker, s_start, s_end, role))
        spoke = best[0] if best else -1
        for person in self.persons:
            if person.start >= pos:
                break
            later = best is None or (person.start > best[0] and self._later_sentence(person.start, spoke))
            if (any_person or not self.oblique(person.start)) and later:
                candidate = self.expand(person.surface, person.start, person.end)
                if self.agrees(candidate[0], gender):
                    best = (person.start, (*candidate, None))
        return best[1] if best else (None, None, None, None)

    def _phrase_gender(self, surface: str) -> str | None:
        """The gender a role phrase shows by its determiner or a gendered word."""
        return self.table.determiner_gender.get(fold(surface.split(" ")[0])) or next(
            (self.table.gendered[w] for w in map(fold, surface.split()) if w in self.table.gendered), None
        )

    def unnamed_speaker(self, pos: int, group: str) -> tuple[int, str] | None:
        """The position and role of the nearest earlier speaker known only by a role of ``group``."""
        for at, speaker, _, _, role in reversed(self.history):
            if at < pos and (speaker is not None or role is not None):
                found = role_group(role, self.table) if speaker is None and role else None
                return (at, role) if found and found[1] == group and role else None
        return None

    def last_speaker(self, pos: int, gender: str | None) -> tuple[str | None, int | None, int | None, str | None]:
        """The named speaker of the nearest earlier quotation, of the right gender."""
        for at, speaker, s_start, s_end, role in reversed(self.history):
            if at < pos and speaker is not None and self.agrees(speaker, gender):
                return speaker, s_start, s_end, role
        return None, None, None, None

    def _later_sentence(self, pos: int, than: int) -> bool:
        """A person named after a speaker takes over only from a later sentence on: the
        speaker of a quotation stays the topic of the sentence that reports it."""
        return than < 0 or self.sentence(pos)[0] > self.sentence(than)[0]

    def agrees(self, name: str, gender: str | None) -> bool:
        known = self.gender(name)
        return gender is None or known is None or known == gender

    def gender(self, name: str) -> str | None:
        """The gender the article shows for a name: a title or gendered noun before it, or the
        pronoun that opens the sentence after one where it is the subject."""
        if name in self._genders:
            return self._genders[name]
        votes: Counter[str] = Counter()
        last = name.split()[-1]
        for match in re.finditer(rf"(?<![\w\-]){re.escape(last)}(?![\w\-])", self.text):
            left = self.text[max(0, match.start() - 90) : match.start()].rpartition("\n")[2]
            role = _role_at_end(re.sub(r"[\s,.]+$", "", left), self.table)
            marked = self.table.determiner_gender.get(fold((role or "").split(" ")[0])) if role else None
            for word in reversed(left.split()[-3:]):
                marked = marked or self.table.gendered.get(fold(word).strip(",.;:"))
            votes.update([marked] if marked else [])
            start, end = self.sentence(match.start())
            if len(self.text[start : match.start()].split()) <= 4:
                following = re.match(r"\s*([\w’']+)", self.text[end : end + 40])
                if following:
                    marked = self.table.pronoun_gender.get(fold(following.group(1)))
                    votes.update([marked] if marked else [])
        ranked = votes.most_common(2)
        found = ranked[0][0] if ranked and (len(ranked) == 1 or ranked[0][1] > ranked[1][1]) else None
        self._genders[name] = found
        return found

    def _cue_subjects(self) -> list[tuple[int, str | None, int | None, int | None, str | None]]:
        """Named subjects of every cue outside quotations ("Trump said that ...")."""
        found: list[tuple[int, str | None, int | None, int | None, str | None]] = []
        for verb in self.table.verb_re.finditer(self.text):
            if (
                self.inside_quote(verb.start())
                or not _lower_or_initial(self.text, verb.start())
                or _after_determiner(self, verb.start())
            ):
                continue
            lo = self.sentence(verb.start())[0]
            phrase = _phrase_before(self, lo, verb.start())
            if phrase is not None and phrase.kind == "name":
                surface = self.text[phrase.start : phrase.end]
                found.append((phrase.start, *self.expand(surface, phrase.start, phrase.end), None))
        return found

    def resolve(
        self, phrase: _Phrase, *, resume: bool = False
    ) -> tuple[str | None, int | None, int | None, str | None]:
        """The speaker a phrase designates. With ``resume`` (its cue continues a statement) a
        role no holder fits is the speaker before ("a ajouté l'ex-otage"); a pronoun needs no
        such help, and would lose the person the text has turned to since."""
        surface = self.text[phrase.start : phrase.end]
        if phrase.kind == "name":
            return (*self.expand(surface, phrase.start, phrase.end), None)
        if phrase.kind == "pronoun":
            if fold(surface) not in self.table.singular:
                return None, None, None, None
            return self.antecedent(phrase.start, gender=self.table.pronoun_gender.get(fold(surface)))
        if phrase.kind in ("anaphor", "zero"):
            return self.antecedent(phrase.start)
        if phrase.kind == "demonym":
            return self.antecedent(phrase.start, any_person=True, gender=self._phrase_gender(surface))
        if phrase.kind == "role":
            ranked = rank_role_holders(surface, self.holders, self.table)
            if ranked:
                holder = ranked[0]
                return (*self.expand(holder.name, holder.start, holder.end), surface)
            det = self.table.det_re.match(surface)
            bare = not any(w[:1].isupper() for w in surface[det.end() if det else 0 :].split())
            group = role_group(surface, self.table)
            if (
                det
                and bare
                and fold(det.group().strip()) not in self.table.indefinite
                and group
                and group[1] in self.table.referring_groups
            ):
                # "l'avocate", "la responsable socialiste": a definite role with no
                # organisation of its own points back to someone just named.
                gender = self._phrase_gender(surface)
                speaker, s_start, s_end, _ = self.antecedent(
                    phrase.start, any_person=True, gender=gender, resume=resume
                )
                unnamed = self.unnamed_speaker(phrase.start, group[1])
                if unnamed is not None and (s_start is None or unnamed[0] > s_start):
                    # "a précisé le procureur de Lyon. Selon le magistrat, « … »": the role
                    # points back to the unnamed speaker before, not to an older name.
                    return None, None, None, unnamed[1]
                return speaker, s_start, s_end, surface
            return None, None, None, surface
        det = self.table.det_re.match(surface)
        if det and fold(det.group().strip()) in self.table.indefinite:
            return None, None, None, None
        start = phrase.start + (det.end() if det else 0)
        head = fold(self.text[start : phrase.end]).split()
        if head and head[0] in self.table.generic:
            # "selon la presse colombienne", "l'entourage du ministre": nobody in particular.
            return None, None, None, None
        return self.text[start : phrase.end], start, phrase.end, None


def _trim_name(text: str, start: int, end: int, table: QuoteTable) -> tuple[int, int]:
    """Drop titles and capitalised function words in front ("Selon Washington", "M. Kim")
    and a final full stop."""
    functions = _function_words(table)
    while True:
        match = re.match(r"[\w’'\-\.]+\s+", text[start:end])
        if not match or not (
            fold(match.group().strip()).strip(".'") in functions or table.honorific_re.match(match.group())
        ):
            break
        start += match.end()
    rest = text[start:end]
    if fold(rest).strip(".'") in functions or table.det_re.match(rest):
        return start, start
    if rest.endswith(".") and len(rest.split()[-1]) > 2:
        end -= 1
    return start, end


def role_holders(text: str, names: Sequence[tuple[int, int]], table: QuoteTable) -> list[RoleHolder]:
    """Names given with a role right before ("le porte-parole X") or after (", le porte-parole,")."""
    holders = []
    for start, end in names:
        name = text[start:end]
        left = text[max(0, start - 90) : start]
        cut = max(left.rfind(c) for c in ";:!?()«»“”\"\n")
        left = left[cut + 1 :]
        left = re.sub(r"[\s,.]+$", "", left)
        role = _role_at_end(left, table)
        if role is not None and fold(role.split()[-1]).rstrip("'’") in table.oblique:
            # "la mère de Mohamed": the role is someone else's, said of the name.
            role = None
        if role is None:
            right = re.match(r"\s*,\s*([^,;:!?()«»“”\"\n]{3,80})[,.;]", text[end : end + 100])
            role = right.group(1) if right and role_group(right.group(1), table) else None
        if role is not None:
            found = role_group(role, table)
            if found:
                holders.append(RoleHolder(name, start, end, role.strip(), found[1]))
    return holders


def _role_at_end(left: str, table: QuoteTable) -> str | None:
    """The role phrase that ends ``left``, from its determiner or its role noun."""
    tail = " ".join(left.split()[-8:])
    found = role_group(tail, table)
    if found is None:
        return None
    functions = _function_words(table) - _FUNCTION
    starts = [m.start() for m in table.det_re.finditer(tail) if m.start() == 0 or not tail[m.start() - 1].isalpha()]
    position = fold(tail).rfind(found[0])
    for start in [*starts, max(0, position)]:
        candidate = tail[start:]
        words = candidate.split()
        if (
            role_group(candidate, table)
            and len(words) <= 7
            and not table.verb_re.search(candidate)
            and not any(fold(w).strip(".,'") in functions | table.aux_words for w in words[1:])
        ):
            return candidate
    return None


def _classify(text: str, start: int, end: int, table: QuoteTable, persons: Sequence[_Person]) -> _Phrase:
    surface = text[start:end]
    folded = fold(surface)
    if any(folded == a or folded.endswith(" " + a) for a in table.anaphors):
        return _Phrase(start, end, "anaphor")
    det = table.det_re.match(surface)
    if det and fold(det.group().strip()) in table.indefinite:
        return _Phrase(start, end, "other")
    body = start + (det.end() if det else 0)
    # A name closing the phrase is the speaker ("l'opposante Claire Fabre"), unless
    # it hangs on a preposition ("le porte-parole du Kremlin").
    inside = [p for p in persons if start <= p.start and p.end <= end and p.end >= end - 1]
    if inside:
        return _Phrase(inside[-1].start, inside[-1].end, "name")
    for match in _NAME_RE.finditer(text, body, end):
        before = fold(text[body : match.start()]).split()
        if match.end() == end and before and before[-1].rstrip("'") not in _FUNCTION | table.oblique:
            return _Phrase(match.start(), match.end(), "name")
    if role_group(surface, table):
        return _Phrase(start, end, "role")
    if det and _is_demonym(text[body:end], table) and _lower_or_initial(text, start):
        return _Phrase(start, end, "demonym")
    if text[body : body + 1].isupper():
        return _Phrase(body, end, "name")
    return _Phrase(start, end, "other")


def _is_demonym(word: str, table: QuoteTable) -> bool:
    """One capitalised word with a nationality ending ("l'Américain", "la Française"): a
    person the article has named. A capitalised article mid-sentence makes a title ("selon
    Le Parisien"), which the caller rules out."""
    return bool(re.fullmatch(r"[A-ZÀ-ÖØ-Þ][\w\-]+", word)) and fold(word).endswith(table.demonym_endings)


def _phrase_after(art: _Article, pos: int, limit: int) -> _Phrase | None:
    """The speaker phrase that starts at ``pos`` (after a cue: "a déclaré le porte-parole")."""
    text, table = art.text, art.table
    while pos < limit and text[pos] in _SPACES + "\n":
        pos += 1
    manner = table.manner_re.match(text, pos, limit)
    if manner:
        return _phrase_after(art, manner.end(), limit)
    chunk = text[pos:limit]
    match = table.pronoun_re.match(chunk)
    if match:
        return _Phrase(pos, pos + match.end(), "pronoun")
    det = table.det_re.match(chunk)
    if det is None:
        name = _NAME_RE.match(chunk)
        if name is None:
            return _premodified_person(art, pos, limit)
        start, end = _trim_name(text, pos + name.start(), pos + name.end(), table)
        return _Phrase(start, end, "name") if end > start else None
    cut = _CUT.search(chunk)
    chunk = chunk[: cut.start() if cut else len(chunk)]
    end = pos + det.end()
    for count, word in enumerate(re.finditer(r"\S+", chunk[det.end() :])):
        if (
            count >= 8
            or fold(word.group()).strip(".,'") in table.stops | table.aux_words
            or table.verb_re.fullmatch(word.group().strip(".,"))
        ):
            break
        end = pos + det.end() + word.end()
    if end == pos + det.end():
        return None
    # "said the maritime prefect, Admiral Jean-Luc Kervella": the name in apposition.
    apposed = rf",[{_SPACES}]*((?:[\w’'\-]+[{_SPACES}]+){{0,3}}?)({_NAME})(?=[{_SPACES}]*(?:[,.;:]|$))"
    named = re.match(apposed, text[end:limit])
    if named and not table.verb_re.search(named.group(1)):
        start, stop = _trim_name(text, end + named.start(2), end + named.end(2), table)
        if stop > start and not text[start].islower():
            return _Phrase(start, stop, "name")
    return _classify(text, pos, end, table, art.persons)


def _premodified_person(art: _Article, pos: int, limit: int) -> _Phrase | None:
    """A known person after a few lower-case modifiers with no article ("said 9/11 widow
    Terry Strada", "said longtime aide Ann Fox")."""
    for person in art.persons:
        if person.start <= pos:
            continue
        words = art.text[pos : person.start].split()
        if person.end > limit or len(words) > 4 or _CUT.search(art.text[pos : person.start]):
            return None
        if any(fold(w) in art.table.stops | art.table.aux_words or w[:1].isupper() for w in words):
            return None
        return _Phrase(person.start, person.end, "name")
    return None


def _affiliated_person(art: _Article, lo: int, hi: int) -> _Phrase | None:
    """A known person with the body they belong to ("Mr. Morgan of the Sierra Club said"):
    the person is the subject, not the body."""
    left = art.text[lo:hi].rstrip(_SPACES + "\n")
    found = re.search(
        rf"(?:^|[^\w’'])({_NAME}){_GAP}{art.table.affiliation_re.pattern}{_GAP}(?:[\w’']+{_GAP})?{_NAME}$", left
    )
    if found is None:
        return None
    start, stop = lo + found.start(1), lo + found.end(1)
    person = next((p for p in art.persons if p.start < stop and start < p.end), None)
    return _Phrase(person.start, person.end, "name") if person and not art.oblique(person.start) else None


def _phrase_before(art: _Article, lo: int, hi: int) -> _Phrase | None:
    """The subject phrase that ends at ``hi`` ("Le porte-parole du Kremlin" a indiqué)."""
    text, table = art.text, art.table
    left = text[lo:hi]
    # "Jim Jordan (R-Ohio), an oversight panel member, said": a bracketed note may follow the name.
    note = rf"(?:{_GAP}\([^()\n]{{1,30}}\))?"
    appositive = re.search(rf"(?:^|[^\w’'])({_NAME}){note}(?:{_GAP})?,(?:[^,;:«»“”\"\n]{{2,200}},){{1,2}}\s*$", left)
    if appositive and not art.oblique(lo + appositive.start(1)):
        start, stop = _trim_name(text, lo + appositive.start(1), lo + appositive.end(1), table)
        if stop > start:
            return _Phrase(start, stop, "name")
    affiliated = _affiliated_person(art, lo, hi)
    if affiliated is not None:
        return affiliated
    while True:
        left = re.sub(r"\s*\([^()]{1,30}\)$", "", left.rstrip(_SPACES + "\n,"))
        # A contracted auxiliary right before the cue ("He’s claiming").
        left = re.sub(r"(?<=\w)['’](?:s|re|ve|d|ll)$", "", left)
        tail = table.tail_re.search(left)
        # A manner adverb, not a noun in -ment/-ly after its article ("le gouvernement").
        manner = re.search(r"(\S+)\s(\w+)$", left)
        if (
            manner
            and table.manner_re.fullmatch(manner.group(2) + " ")
            and not table.det_re.fullmatch(manner.group(1) + " ")
        ):
            left = left[: manner.start(2)]
            continue
        if not tail or not tail.group().strip(" ,"):
            break
        left = left[: tail.start()]
    if not left:
        return None
    end = lo + len(left)
    relative = table.relative_re.search(left)
    if relative:
        # "la Société générale, qui indique ...": the relative stands for the phrase before it.
        return _phrase_before(art, lo, lo + relative.start())
    pronoun = table.pronoun_end_re.search(left)
    if pronoun:
        return _Phrase(lo + pronoun.start("p"), end, "pronoun")
    functions = _function_words(table)
    for name in _NAME_RE.finditer(left):
        if name.end() == len(left) or (name.end() == len(left) - 1 and left.endswith(".")):
            start, stop = _trim_name(text, lo + name.start(), lo + name.end(), table)
            if stop > start and not art.oblique(start):
                return _Phrase(start, stop, "name")
    for det in table.det_re.finditer(left, max(0, len(left) - 80)):
        if det.start() and left[det.start() - 1].isalpha():
            continue
        phrase = left[det.start() :]
        words = phrase.split()
        if _CUT.search(phrase) or len(words) > 9 or any(fold(w).strip("'") in table.stops for w in words[1:]):
            continue
        return _classify(text, lo + det.start(), end, table, art.persons)
    tokens = list(re.finditer(r"[\w\-]+", left))
    if tokens and role_group(tokens[-1].group(), table):
        first = tokens[-2] if len(tokens) > 1 and fold(tokens[-2].group()) not in functions else tokens[-1]
        return _Phrase(lo + first.start(), end, "role")
    return None


# ----------------------------------------------------------------- attribution


@dataclass(frozen=True, slots=True)
class _Attribution:
    cue: tuple[int, int] | None
    phrase: _Phrase | None


def _cue_phrase(
    art: _Article, verb: re.Match[str], base: int, left: tuple[int, int], limit: int, *, cover: bool
) -> _Phrase | None:
    """The speaker of a cue verb: an inversion, the subject ending ``left``, or the phrase after it.

    With ``cover`` the subject must fill ``left`` (the words between a quotation
    and its cue can only be the speaker: "», Poutine a déclaré").
    """
    inversion = verb.group("inv1") or verb.group("inv2")
    if inversion:
        name = "inv1" if verb.group("inv1") else "inv2"
        start = base + verb.end(name) - len(inversion.lstrip("-t").lstrip("-"))
        return _Phrase(start, base + verb.end(name), "pronoun")
    lo, hi = left
    gerund = fold(verb.group("verb")) in art.table.gerunds
    named = next((p for p in art.persons if lo <= p.start and p.end <= hi and not art.text[p.end : hi].strip()), None)
    if gerund and named is not None:
        # "des images de Marie Dupont disant « … »", "footage of Ann Fox asking": the
        # person right before the participle speaks, even as a complement.
        return _Phrase(named.start, named.end, "name")
    if gerund and art.text[lo:hi].rstrip(_SPACES + "\n").endswith(","):
        # "X a requis ..., estimant que « … »": the participle's subject is the clause's.
        return _sentence_subject(art, lo, hi) or _Phrase(base + verb.start(), base + verb.start(), "zero")
    if art.text[lo:hi].strip(_SPACES + "\n,;:—–-()"):
        subject = _phrase_before(art, lo, hi)
        if subject is None and not cover and fold(art.text[lo:hi].strip(_SPACES + "\n,")) in art.table.conjunctions:
            # "Et demandé que « … »": the subject of the sentence before.
            return _Phrase(base + verb.start(), base + verb.start(), "zero")
        if subject is None or not cover:
            return subject
        # Between a quotation and its cue only the speaker's premodifiers may stand
        # ("," panel Chairman Rep. Jason Chaffetz said").
        gap = art.table.honorific_re.sub("", art.text[lo : subject.start] + " ").strip(_SPACES + "\n,;:—–-()")
        premodifiers = (
            len(gap.split()) <= 4
            and not re.search(r"[.;:!?\n]", gap)
            and not any(fold(w) in art.table.stops for w in gap.split())
        )
        return subject if premodifiers and not art.table.verb_re.search(gap) else None
    return _phrase_after(art, base + verb.end(), limit) or _after_complement(art, base + verb.end(), limit)


def _sentence_subject(art: _Article, lo: int, hi: int) -> _Phrase | None:
    """The subject that opens the sentence [lo, hi), after up to two short openers
    ("In August, several groups …"): a pronoun, a role or a recognised person."""
    pos = lo
    for _ in range(3):
        phrase = _phrase_after(art, pos, hi)
        if phrase is not None and (phrase.kind == "pronoun" or _designates(art, phrase)):
            return phrase
        comma = art.text.find(",", pos, hi)
        if comma < 0 or comma - pos > 40:
            return None
        pos = comma + 1
    return None


def _designates(art: _Article, phrase: _Phrase) -> bool:
    """A phrase that designates a speaker by itself; a name only when it is a known person."""
    if phrase.kind == "name":
        return any(p.start < phrase.end and phrase.start < p.end for p in art.persons)
    return phrase.kind in _SPEAKER_KINDS


def _after_complement(art: _Article, pos: int, limit: int) -> _Phrase | None:
    """The speaker after a short complement of the cue ("assure à l'AFP Fabrice Delloye",
    "explique dans un communiqué l'Américain"); the complement names no person."""
    lead = art.table.complement_re.match(art.text, pos, limit)
    if lead is None:
        return None
    end = lead.end()
    for word in itertools.islice(re.finditer(r"[^\s,;:.!?()«»“”\"]+", art.text[end:limit]), 4):
        stop = end + word.end()
        if re.search(r"[,;:.!?()«»“”\"\n]", art.text[end : end + word.start()]):
            return None
        if any(p.start < stop and lead.start() < p.end for p in art.persons):
            return None
        phrase = _phrase_after(art, stop, limit)
        if phrase is not None and phrase.kind in _SPEAKER_KINDS:
            return phrase
    return None


def _verbs(art: _Article, lo: int, hi: int) -> list[re.Match[str]]:
    return [
        v
        for v in art.table.verb_re.finditer(art.text[lo:hi])
        if _lower_or_initial(art.text, lo + v.start()) and not _after_determiner(art, lo + v.start())
    ]


def _after_determiner(art: _Article, at: int) -> bool:
    """A cue word after an article or a name's possessive is a noun ("the states", "Obama's
    remarks"); "He’s claiming" is a verb."""
    words = art.text[max(0, at - 30) : at].split()
    if not words:
        return False
    last = words[-1]
    owner = re.fullmatch(r"([A-ZÀ-ÖØ-Þ][\w\-]*)['’]s", last)
    if owner:
        return not art.table.pronoun_re.fullmatch(owner.group(1))
    det = art.table.det_re.fullmatch(last + ("" if last[-1] in "'’" else " "))
    return det is not None and fold(last).strip("'") not in art.table.stops


def _lower_or_initial(text: str, at: int) -> bool:
    """Whether the word at ``at`` is lower case or opens a sentence: a capitalised cue word
    inside a sentence is part of a name ("United States", "Post")."""
    if not text[at].isupper():
        return True
    before = text[:at].rstrip(_SPACES + "\n")
    return not before or before[-1] in ".!?:;«»“”\"—–-("


def _after_reach(art: _Article, seg: _Segment, hi: int) -> int:
    """Where the cue right after a quotation may be: its sentence, or, when the splitter
    ended the sentence at a "?”" or "!”", the next one in the paragraph ("“Why?” Vitter
    asked."), up to the next quotation mark."""
    post = seg.after
    if art.text[post:hi].strip(_SPACES) or art.text[seg.end - 1] not in "?!…":
        return hi
    i = bisect.bisect_left(art.starts, post)
    if i >= len(art.sentences):
        return hi
    reach = min(art.sentences[i].end, art.paragraph(post)[1])
    opening = [art.text.find(mark, post, reach) for mark in art.table.closers]
    return min([reach, *(at for at in opening if at >= 0)])


def _attribute(art: _Article, seg: _Segment, lo: int, hi: int) -> _Attribution:
    """Find the cue and speaker phrase of a quotation whose sentence context is [lo, hi)."""
    text = art.text
    post = seg.after
    signed = re.match(rf"[{_SPACES}]*[―—–][{_SPACES}]*({_NAME})", text[post:hi])
    if signed:
        start, end = _trim_name(text, post + signed.start(1), post + signed.end(1), art.table)
        if end > start:
            return _Attribution(None, _Phrase(start, end, "name"))
    reach = _after_reach(art, seg, hi)
    # "“…,” said X" inverts after a clause mark; "the ad “unmistakably” suggests that X" does not.
    closed = text[seg.end - 1] in ",?!…—–-" or text[post:hi].lstrip(_SPACES)[:1] in (",", "—", "–", "-")
    for verb in _verbs(art, post, reach)[:1]:
        at = post + verb.start()
        if not closed and not text[post:at].strip(_SPACES):
            break
        phrase = _cue_phrase(art, verb, post, (post, at), reach, cover=True)
        if phrase is not None and phrase.kind != "zero" and at - post < 120:
            return _Attribution((at, post + verb.end()), phrase)
    for verb in reversed(_verbs(art, lo, seg.open)):
        at = lo + verb.start()
        phrase = _cue_phrase(art, verb, lo, (lo, at), seg.open, cover=False)
        if phrase is not None:
            return _Attribution((at, lo + verb.end()), phrase)
    for verb in _verbs(art, post, hi):
        at = post + verb.start()
        clause = max(text.rfind(c, post, at) for c in ",;—(")
        if clause < post:
            continue
        phrase = _cue_phrase(art, verb, post, (clause + 1, at), hi, cover=True)
        if phrase is not None:
            return _Attribution((at, post + verb.end()), phrase)
    headline = re.fullmatch(rf"(?:[^:\n]*\s[-–—]\s*)?({_NAME})\s*:\s*", text[lo : seg.open])
    if headline:
        start, end = _trim_name(text, lo + headline.start(1), lo + headline.end(1), art.table)
        known = any(p.start < end and start < p.end for p in art.persons)
        if end > start and (not art.recognised or known or art.expand(text[start:end], start, end)[1] != start):
            return _Attribution(None, _Phrase(start, end, "name"))
    topic = art.table.topic_re.match(text[lo : seg.open])
    if topic:
        phrase = _phrase_after(art, lo + topic.start("np"), lo + topic.end("np"))
        if phrase is not None and phrase.kind in ("name", "role"):
            return _Attribution((lo + topic.start("verb"), lo + topic.end("verb")), phrase)
    preps = [(seg.open - (lo + m.end()), lo, m) for m in art.table.prep_re.finditer(text[lo : seg.open])]
    preps += [(post + m.start() - post, post, m) for m in art.table.prep_re.finditer(text[post:hi])]
    for _, base, prep in sorted(preps, key=lambda item: item[0]):
        phrase = _phrase_after(art, base + prep.end(), hi if base == post else seg.open)
        if phrase is not None:
            return _Attribution((base + prep.start(), base + prep.end()), phrase)
    for verb in _verbs(art, seg.start, seg.end):
        at = seg.start + verb.start()
        if not text[seg.start : at].rstrip(_SPACES).endswith(","):
            continue
        phrase = _cue_phrase(art, verb, seg.start, (at, at), seg.end, cover=True)
        tail = max(phrase.end, seg.start + verb.end()) if phrase else 0
        after = text[tail : tail + 3].lstrip(_SPACES) if phrase else ""
        # The speaker closes the incise, or a relative clause about them does ("explique
        # l'Américain qui vient d'annoncer son retour").
        described = art.table.relative_re.match(", " + text[tail : tail + 12].strip(_SPACES).split(" ")[0])
        if phrase is not None and phrase.kind != "other" and (after[:1] in (",", ".", "", "à", "d") or described):
            return _Attribution((at, seg.start + verb.end()), phrase)
    phrase = _colon_subject(art, lo, seg.open)
    if phrase is not None:
        return _Attribution(None, phrase)
    # A cue whose speaker cannot be read still makes the words a quotation, said
    # by whoever the sentence is about.
    verbs = _verbs(art, lo, seg.open)
    if verbs:
        at = lo + verbs[-1].start()
        return _Attribution((at, lo + verbs[-1].end()), _Phrase(at, at, "zero"))
    return _Attribution(None, None)


def _colon_subject(art: _Article, lo: int, hi: int) -> _Phrase | None:
    """The subject of a clause that ends with a colon before a quotation ("l'Américain a
    dévoilé ses intentions :", "Sanders made the following comment:"): a pronoun, a role
    or a person the recogniser found, at the start of the clause."""
    before = art.text[lo:hi].rstrip(_SPACES + "\n")
    if not before.endswith(":"):
        return None
    clause = lo + max(before.rfind(c) for c in ",;") + 1
    phrase = _phrase_after(art, clause, lo + len(before))
    return phrase if phrase is not None and (phrase.kind == "pronoun" or _designates(art, phrase)) else None


def _previous_speaker(art: _Article, lo: int) -> tuple[str | None, int | None, int | None, str | None]:
    """A quotation standing alone continues the speaker of the sentence before it."""
    if lo == 0:
        return None, None, None, None
    prev_lo, prev_hi = art.sentence(max(0, lo - 2))
    if prev_hi > lo or prev_lo >= lo:
        return None, None, None, None
    for at, speaker, s_start, s_end, role in reversed(art.history):
        if prev_lo <= at < lo and (speaker or role):
            return speaker, s_start, s_end, role
    for verb in reversed(_verbs(art, prev_lo, prev_hi)):
        at = prev_lo + verb.start()
        if art.inside_quote(at):
            continue
        phrase = _cue_phrase(art, verb, prev_lo, (prev_lo, at), prev_hi, cover=False)
        if phrase is not None and phrase.kind != "other":
            return art.resolve(phrase)
    introduced = _colon_subject(art, prev_lo, prev_hi)
    if introduced is not None:
        return art.resolve(introduced)
    return _continued_account(art, prev_lo, prev_hi)


def _continued_account(art: _Article, lo: int, hi: int) -> tuple[str | None, int | None, int | None, str | None]:
    """A sentence about the last speaker by a pronoun ("He didn't suggest retaliation.")
    keeps the account theirs: the quotation after it is still that speaker's."""
    subject = _sentence_subject(art, lo, hi)
    if subject is None or subject.kind != "pronoun" or not art.history:
        return None, None, None, None
    found = art.resolve(subject)
    return found if found[0] is not None and found[0] == art.history[-1][1] else (None, None, None, None)


# ------------------------------------------------------------------ quotations


def _is_quotation(text: str, seg: _Segment, table: QuoteTable) -> bool:
    words = [w for w in text[seg.start : seg.end].split() if any(c.isalnum() for c in w)]
    if len(words) < table.min_words:
        return False
    prefix = text[max(0, seg.open - 40) : seg.open]
    # Only a work noun of the same sentence names a title ("l'opération. « On nous… »" is speech).
    prefix = re.split(r"[.!?…]\s", prefix)[-1]
    before = [fold(w) for w in re.findall(r"[\w\-]+['’]?", prefix)]
    while before and table.det_re.fullmatch(before[-1] + ("" if before[-1].endswith("'") else " ")):
        before.pop()
    return not (before and before[-1] in table.work_nouns)


def _incise_groups(art: _Article, segments: list[_Segment]) -> list[list[_Segment]]:
    """Join quotations separated only by a cue clause ("“A,” he said, “B.”").

    The first part must be left open by a comma, inside its marks or right after
    them: "“A.” She adds, “B?”" are two quotations.
    """
    groups: list[list[_Segment]] = []
    for seg in segments:
        if groups:
            prev = groups[-1][-1]
            between = art.text[prev.after : seg.open]
            verbs = _verbs(art, prev.after, seg.open)
            open_ended = art.text[prev.start : prev.end].endswith(",") or between.lstrip(_SPACES).startswith(",")
            if (
                open_ended
                and "\n" not in between
                and len(between) < 80
                and len(verbs) == 1
                and art.table.incise_end.fullmatch(art.table.honorific_re.sub("", between.replace("\u00a0", " ")))
                and _cue_phrase(
                    art, verbs[0], prev.after, (prev.after, prev.after + verbs[0].start()), seg.open, cover=True
                )
            ):
                groups[-1].append(seg)
                continue
        groups.append([seg])
    return groups


def find_quotations(
    article: Article,
    sentences: list[Sentence],
    mentions: list[Mention],
    *,
    settings: AnnotateSettings,
) -> list[Quotation]:
    """The direct quotations of ``article`` with their cue and speaker.

    ``settings`` is accepted for the annotate stage's uniform signature; the
    language tables carry every quotation rule.
    """
    table = quote_table(article.language)
    if table is None:
        return []
    text = article.clean_text
    segments = [s for s in _segments(text, table) if _is_quotation(text, s, table)]
    art = _Article(text, sentences, mentions, segments, table)
    quotations = []
    groups = _incise_groups(art, segments)
    kept = False
    for index, group in enumerate(groups):
        first, last = group[0], group[-1]
        lo = max(art.sentence(first.open)[0], groups[index - 1][-1].after if index else 0)
        hi = min(art.sentence(last.after)[1], art.paragraph(max(first.open, last.after - 1))[1])
        if index + 1 < len(groups):
            hi = min(hi, groups[index + 1][0].open)
        hi = max(hi, last.after)
        whole = _Segment(first.open, last.after, first.start, last.end)
        attribution = _incise_attribution(art, group) or _attribute(art, whole, lo, hi)
        if attribution.phrase is not None:
            cue_words = fold(text[attribution.cue[0] : attribution.cue[1]]) if attribution.cue else ""
            resume = table.continuing_re.search(cue_words) is not None
            speaker, s_start, s_end, role = art.resolve(attribution.phrase, resume=resume)
            at = attribution.phrase.start
        elif index and lo == groups[index - 1][-1].after and kept:
            speaker, s_start, s_end, role = art.history[-1][1:]
            at = first.start
        elif not text[lo : first.open].strip(_SPACES + "\n-—–:"):
            speaker, s_start, s_end, role = _previous_speaker(art, lo)
            at = first.start
        elif text[lo : first.open].rstrip(_SPACES + "\n").endswith(":"):
            speaker, s_start, s_end, role = None, None, None, None
            at = first.start
        else:
            # Words quoted inside a sentence that reports nobody are a term or a
            # scare quote ("un « incident de marché »"), not a quotation.
            kept = False
            continue
        kept = True
        art.history.append((at, speaker, s_start, s_end, role))
        cue = attribution.cue
        quotations.append(
            Quotation(
                start=first.start,
                end=last.end,
                text=text[first.start : last.end],
                cue=text[cue[0] : cue[1]] if cue else None,
                cue_start=cue[0] if cue else None,
                cue_end=cue[1] if cue else None,
                speaker=speaker,
                speaker_start=s_start,
                speaker_end=s_end,
                speaker_role=role,
            )
        )
    return _same_words(quotations)


def _same_words(quotations: list[Quotation]) -> list[Quotation]:
    """A quotation with no speaker (a headline) takes the speaker of the same words told elsewhere."""
    known = [(re.findall(r"\w+", fold(q.text)), q) for q in quotations if q.speaker or q.speaker_role]
    result = []
    for quotation in quotations:
        words = " ".join(re.findall(r"\w+", fold(quotation.text)))
        source = next(
            (
                q
                for other, q in known
                if quotation.speaker is None
                and quotation.speaker_role is None
                and words
                and (words in " ".join(other) or " ".join(other) in words)
            ),
            None,
        )
        if source is not None:
            quotation = dataclasses.replace(
                quotation,
                speaker=source.speaker,
                speaker_start=source.speaker_start,
                speaker_end=source.speaker_end,
                speaker_role=source.speaker_role,
            )
        result.append(quotation)
    return result


def _incise_attribution(art: _Article, group: list[_Segment]) -> _Attribution | None:
    """The cue clause between the parts of an interrupted quotation, if any."""
    for prev, seg in itertools.pairwise(group):
        verbs = _verbs(art, prev.after, seg.open)
        left = (prev.after, prev.after + verbs[0].start())
        phrase = _cue_phrase(art, verbs[0], prev.after, left, seg.open, cover=True)
        if phrase is not None:
            return _Attribution((prev.after + verbs[0].start(), prev.after + verbs[0].end()), phrase)
    return None
