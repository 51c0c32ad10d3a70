"""Deterministic demo members, one at a time, without touching the database.

`member_spec(seed, index)` always returns the same member for the same pair, so the
seeder can create any slice of the community (and skip what exists) in any order,
and the benchmark can reuse exactly what `guanxi demo` builds.
"""

from __future__ import annotations

import functools
import html
import itertools
import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import timedelta

from guanxi.accounts.models import OpenTo, normalize_text
from guanxi.accounts.visibility import Visibility
from guanxi.core.markdown import render_markdown
from guanxi.demo import data

DEMO_EMAIL_DOMAIN = "demo.guanxi.local"
# Entries are dated relative to a fixed year so a seed gives the same profiles whenever
# it runs; join dates are relative to "now" (see seeding).
ANCHOR_YEAR = 2026
AVATAR_COUNT = 16
MAX_JOIN_AGE_DAYS = 900

PUBLIC, MEMBERS, CONNECTIONS, ONLY_ME = (
    Visibility.PUBLIC.value,
    Visibility.MEMBERS.value,
    Visibility.CONNECTIONS.value,
    Visibility.ONLY_ME.value,
)


@dataclass(frozen=True)
class ExperienceSpec:
    company: str
    title: str
    location: str
    start_year: int
    end_year: int | None
    description: str = ""


@dataclass(frozen=True)
class EducationSpec:
    school: str
    degree: str
    field: str
    start_year: int | None
    end_year: int | None


@dataclass(frozen=True)
class MemberSpec:
    index: int
    handle: str
    display_name: str
    headline: str
    about_template: str
    about_values: dict[str, str | int]
    city: str
    country: str
    company: str
    position: str
    open_to: int
    languages: list[str]
    links: list[dict[str, str]]
    listed: bool
    avatar: int | None  # index of a shared demo avatar, or None for initials
    joined_days_ago: float
    skills: list[str]
    interests: list[str]
    experiences: list[ExperienceSpec]
    educations: list[EducationSpec]
    visibility: dict[str, int] = field(default_factory=dict)

    @property
    def about(self) -> str:
        return self.about_template.format(**self.about_values)

    @property
    def about_html(self) -> str:
        """render_markdown(self.about), rendering each template only once: the values
        are plain text, so escaping them into the rendered template is equivalent."""
        if not self.about_template:
            return ""
        rendered = _rendered_template(self.about_template)
        for key, value in self.about_values.items():
            rendered = rendered.replace(_token(key), html.escape(str(value)))
        return rendered

    @property
    def email(self) -> str:
        return f"{self.handle}@{DEMO_EMAIL_DOMAIN}"

    @property
    def joined(self) -> timedelta:
        return timedelta(days=self.joined_days_ago)


def _token(key: str) -> str:
    # Letters only, so Markdown treats it like the words it stands for.
    return f"Zqx{key.replace('_', 'X')}xqZ"


@functools.lru_cache(maxsize=64)
def _rendered_template(template: str) -> str:
    keys = re.findall(r"{(\w+)}", template)
    return render_markdown(template.format(**{key: _token(key) for key in keys}))


def _zipf(n: int, s: float = 1.0) -> list[float]:
    """Cumulative Zipf weights for a list of n items (first = most popular)."""
    return list(itertools.accumulate(1 / (rank + 1) ** s for rank in range(n)))


_CITY_CUM = list(itertools.accumulate(c[2] for c in data.CITIES))
_PROFESSION_CUM = list(itertools.accumulate(p["weight"] for p in data.PROFESSIONS))
# Chinese-named members mostly studied at Chinese universities, others mostly abroad.
_SCHOOL_CUM_CHINESE = list(itertools.accumulate(w * share + 0.05 for _s, w, share in data.SCHOOLS))
_SCHOOL_CUM_OTHER = list(
    itertools.accumulate(w * (1 - share) + 0.05 for _s, w, share in data.SCHOOLS)
)
_INTERESTS_CUM = _zipf(len(data.INTERESTS), 0.9)
_GENERAL_SKILLS_CUM = _zipf(len(data.GENERAL_SKILLS), 1.0)
_SURNAME_CUM = _zipf(len(data.CHINESE_SURNAMES), 0.7)
_GIVEN_CUM = _zipf(len(data.CHINESE_GIVEN_NAMES), 0.5)
_COMPANY_CUM = {sector: _zipf(len(names), 0.8) for sector, names in data.COMPANIES.items()}
_PROFESSION_SKILL_CUM = {p["title"]: _zipf(len(p["skills"]), 0.8) for p in data.PROFESSIONS}


def all_tag_names() -> list[str]:
    """Every skill and interest the generator can produce (for creating Tag rows once)."""
    names = [skill for p in data.PROFESSIONS for skill in p["skills"]]
    names += list(data.GENERAL_SKILLS) + list(data.INTERESTS)
    return list(dict.fromkeys(names))


def _ascii_slug(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed.lower() if "a" <= ch <= "z")


def _pick_weighted_unique(
    rng: random.Random, items: tuple | list, cum: list[float], k: int
) -> list:
    chosen: list = []
    for _attempt in range(k * 4):
        item = rng.choices(items, cum_weights=cum)[0]
        if item not in chosen:
            chosen.append(item)
            if len(chosen) == k:
                break
    return chosen


def _bachelor_degree(field: str) -> str:
    return next((degree for word, degree in data.BACHELOR_BY_FIELD if word in field), "BA")


def _name(rng: random.Random, chinese: bool) -> tuple[str, str, bool]:
    """(display name, latin form for the handle, shows a Chinese-script name)."""
    if chinese:
        surname, surname_zh = rng.choices(data.CHINESE_SURNAMES, cum_weights=_SURNAME_CUM)[0]
        given, given_zh = rng.choices(data.CHINESE_GIVEN_NAMES, cum_weights=_GIVEN_CUM)[0]
        form = rng.random()
        if form < 0.4:
            return surname_zh + given_zh, surname + given, True
        if form < 0.75:
            return f"{surname} {given}", surname + given, False
        if form < 0.9:
            english = rng.choice(data.ENGLISH_FIRST_NAMES)
            return f"{english} {surname}", english + surname, False
        return f"{given} {surname}", given + surname, False
    if rng.random() < 0.3:
        given_names, family_names, family_first = rng.choice(data.OTHER_NAME_STYLES)
        given, family = rng.choice(given_names), rng.choice(family_names)
        name = f"{family} {given}" if family_first else f"{given} {family}"
        return name, name, False
    name = f"{rng.choice(data.ENGLISH_FIRST_NAMES)} {rng.choice(data.ENGLISH_SURNAMES)}"
    return name, name, False


def _visibility(rng: random.Random) -> dict[str, int]:
    """Most members keep the defaults or open up their professional sections; a few
    keep things close."""
    style = rng.random()
    if style < 0.5:  # open professional profile
        return {
            "about": PUBLIC,
            "location": PUBLIC,
            "work": PUBLIC,
            "experience": PUBLIC,
            "education": PUBLIC,
            "skills": PUBLIC,
            "interests": PUBLIC,
            "languages": PUBLIC,
            "open_to": PUBLIC,
            "links": PUBLIC,
        }
    if style < 0.85:  # the defaults
        return {}
    if style < 0.95:  # members only, work for connections
        return {
            "about": MEMBERS,
            "work": CONNECTIONS,
            "experience": CONNECTIONS,
            "education": MEMBERS,
            "links": CONNECTIONS,
        }
    return {  # private
        "about": CONNECTIONS,
        "location": CONNECTIONS,
        "work": ONLY_ME,
        "experience": ONLY_ME,
        "education": CONNECTIONS,
        "skills": CONNECTIONS,
        "interests": CONNECTIONS,
        "open_to": ONLY_ME,
        "links": ONLY_ME,
    }


_OPEN_TO_ODDS = (
    (OpenTo.NEW_JOB, 0.10),
    (OpenTo.HIRING, 0.14),
    (OpenTo.MENTORING, 0.25),
    (OpenTo.BEING_MENTORED, 0.10),
    (OpenTo.COLLABORATIONS, 0.20),
    (OpenTo.SPEAKING, 0.08),
    (OpenTo.BUSINESS_LEADS, 0.12),
    (OpenTo.PARTNERSHIPS, 0.09),
)


def member_spec(seed: int, index: int) -> MemberSpec:
    """The demo member number `index` of the community built from `seed`."""
    rng = random.Random(f"guanxi-demo:{seed}:{index}")

    city, country, _weight, chinese_share = rng.choices(data.CITIES, cum_weights=_CITY_CUM)[0]
    chinese = rng.random() < chinese_share
    display_name, latin_name, hanzi_name = _name(rng, chinese)
    handle = f"{_ascii_slug(latin_name)[:18] or 'member'}{index}"

    profession = rng.choices(data.PROFESSIONS, cum_weights=_PROFESSION_CUM)[0]
    sector = rng.choice(profession["sectors"])
    companies = data.COMPANIES[sector]
    company = rng.choices(companies, cum_weights=_COMPANY_CUM[sector])[0]
    seniority, seniority_zh = rng.choices(data.SENIORITY, weights=(5, 4, 1, 1))[0]
    if not profession.get("seniority", True):
        seniority, seniority_zh = "", ""
    position = f"{seniority}{profession['title']}"
    speciality = rng.choice(profession["specialities"])

    skill_count = rng.randint(3, 7)
    skills = _pick_weighted_unique(
        rng,
        profession["skills"],
        _PROFESSION_SKILL_CUM[profession["title"]],
        min(skill_count, len(profession["skills"])),
    )
    for extra in _pick_weighted_unique(
        rng, data.GENERAL_SKILLS, _GENERAL_SKILLS_CUM, rng.randint(0, 2)
    ):
        if extra not in skills:
            skills.append(extra)
    interests = _pick_weighted_unique(rng, data.INTERESTS, _INTERESTS_CUM, rng.randint(1, 5))

    # Career: the current role plus up to three earlier ones, walking back in time.
    career_years = rng.randint(1, 22)
    current_start = ANCHOR_YEAR - rng.randint(0, min(career_years, 8))
    experiences = [
        ExperienceSpec(
            company=company,
            title=position,
            location=city,
            start_year=current_start,
            end_year=None,
            description=f"Leading work on {speciality}." if rng.random() < 0.5 else "",
        )
    ]
    early_title = profession.get("early_title", f"Junior {profession['title']}")
    year = current_start
    first_year = ANCHOR_YEAR - career_years
    while year > first_year + 1 and len(experiences) < 4:
        start = max(first_year, year - rng.randint(2, 5))
        previous_sector = rng.choice(profession["sectors"])
        experiences.append(
            ExperienceSpec(
                company=rng.choices(
                    data.COMPANIES[previous_sector], cum_weights=_COMPANY_CUM[previous_sector]
                )[0],
                title=profession["title"] if start > first_year else early_title,
                location=city if rng.random() < 0.7 else rng.choice(data.CITIES)[0],
                start_year=start,
                end_year=year,
            )
        )
        year = start

    # Education: a first degree, sometimes a graduate one.
    def school_for() -> str:
        cum = _SCHOOL_CUM_CHINESE if chinese else _SCHOOL_CUM_OTHER
        return rng.choices(data.SCHOOLS, cum_weights=cum)[0][0]

    field = rng.choice(profession["fields"])
    grad_year = first_year - rng.randint(0, 1)
    educations = [
        EducationSpec(
            school=school_for(),
            degree=_bachelor_degree(field),
            field=field,
            start_year=grad_year - 4,
            end_year=grad_year,
        )
    ]
    grad_end = grad_year + rng.randint(2, 8)
    if rng.random() < 0.45 and grad_end <= ANCHOR_YEAR:
        educations.insert(
            0,
            EducationSpec(
                school=school_for(),
                degree=rng.choice(data.GRADUATE_DEGREES),
                field=rng.choice(profession["fields"]),
                start_year=grad_end - 2,
                end_year=grad_end,
            ),
        )

    writes_chinese = chinese and rng.random() < (0.6 if hanzi_name else 0.2)
    if writes_chinese:
        headline = rng.choice(
            (
                f"{company} {seniority_zh}{profession['title_zh']}",
                f"{seniority_zh}{profession['title_zh']}｜{speciality}",
            )
        )
    else:
        headline = rng.choice(
            (
                f"{position} at {company}",
                f"{position} · {speciality}",
                f"{profession['title']} | {skills[0]} & {skills[min(1, len(skills) - 1)]}",
            )
        )

    about_template = ""
    about_values: dict[str, str | int] = {}
    if rng.random() < 0.85:
        about_template = rng.choice(data.ABOUT_ZH if writes_chinese else data.ABOUT_EN)
        about_values = dict(
            company=company,
            speciality=speciality,
            years=max(career_years, 1),
            field=field,
            school=educations[-1].school,
            interest_a=interests[0],
            interest_b=interests[-1] if len(interests) > 1 else "good books",
            sector_words=data.SECTOR_WORDS[sector],
            skill_a=skills[0],
            skill_b=skills[-1],
            city=city,
            city_zh=data.CITY_ZH.get(city, city),
        )

    open_to = OpenTo.to_mask(item for item, odds in _OPEN_TO_ODDS if rng.random() < odds)
    languages = ["Mandarin", "English"] if chinese else ["English"]
    if city in {"Hong Kong", "Guangzhou", "Shenzhen"} and rng.random() < 0.5:
        languages.append("Cantonese")
    if rng.random() < 0.2:
        extra = rng.choice(data.LANGUAGE_CHOICES)
        if extra not in languages:
            languages.append(extra)
    links = []
    if rng.random() < 0.35:
        label, url = rng.choice(data.LINK_SITES)
        links.append({"label": label, "url": url.format(handle=handle)})

    return MemberSpec(
        index=index,
        handle=handle,
        display_name=display_name,
        headline=headline,
        about_template=about_template,
        about_values=about_values,
        # Members who write in Chinese write their city in Chinese too: the directory
        # finds them under either name (guanxi.places).
        city=data.CITY_ZH.get(city, city) if writes_chinese else city,
        country=country,
        company=company,
        position=position,
        open_to=open_to,
        languages=languages,
        links=links,
        listed=rng.random() < 0.97,
        avatar=rng.randrange(AVATAR_COUNT) if rng.random() < 0.65 else None,
        joined_days_ago=(rng.random() ** 1.5) * MAX_JOIN_AGE_DAYS,
        skills=skills,
        interests=interests,
        experiences=experiences,
        educations=educations,
        visibility=_visibility(rng),
    )


def name_key(spec: MemberSpec) -> str:
    return normalize_text(spec.display_name)
