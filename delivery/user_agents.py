"""What a click's user agent says: device type, OS and browser (ua-parser), and whether it is a
link-preview fetcher, a scanner or a script rather than a person.

ua-parser (the maintained port of uap-core's rules) names families; the device type is read
from them and from the agent's own words, since the rules name devices, not their kind. The
bot list covers the preview fetchers of the apps messages are read in (WhatsApp, Facebook,
Slack, Twitter/X, LinkedIn, Telegram, Discord, Skype, iMessage), search crawlers, command-line
clients and mail security scanners; ua-parser's "Spider" device catches the rest it knows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ua_parser import parse

# Substrings (lower case) of agents that fetch links on their own: name shown as the reason.
BOT_AGENTS: tuple[tuple[str, str], ...] = (
    ("whatsapp", "WhatsApp link preview"),
    ("facebookexternalhit", "Facebook link preview"),
    ("facebot", "Facebook link preview"),
    ("facebookcatalog", "Facebook crawler"),
    ("meta-externalagent", "Meta crawler"),
    ("slackbot", "Slack link preview"),
    ("slack-imgproxy", "Slack image proxy"),
    ("twitterbot", "Twitter link preview"),
    ("linkedinbot", "LinkedIn link preview"),
    ("telegrambot", "Telegram link preview"),
    ("discordbot", "Discord link preview"),
    ("skypeuripreview", "Skype link preview"),
    ("applebot", "Apple crawler"),
    ("googlebot", "Googlebot"),
    ("google-inspectiontool", "Google crawler"),
    ("bingbot", "Bing crawler"),
    ("bingpreview", "Bing preview"),
    ("yandexbot", "Yandex crawler"),
    ("duckduckbot", "DuckDuckGo crawler"),
    ("pinterestbot", "Pinterest crawler"),
    ("redditbot", "Reddit link preview"),
    ("embedly", "Embedly link preview"),
    ("curl/", "curl"),
    ("wget/", "Wget"),
    ("python-requests", "python-requests"),
    ("python-urllib", "Python urllib"),
    ("python-httpx", "httpx"),
    ("aiohttp", "aiohttp"),
    ("go-http-client", "Go HTTP client"),
    ("okhttp", "OkHttp"),
    ("java/", "Java HTTP client"),
    ("libwww-perl", "libwww-perl"),
    ("apache-httpclient", "Apache HttpClient"),
    ("headlesschrome", "headless Chrome"),
    ("phantomjs", "PhantomJS"),
    ("barracuda", "Barracuda scanner"),
    ("proofpoint", "Proofpoint scanner"),
    ("mimecast", "Mimecast scanner"),
    ("symantec", "Symantec scanner"),
    ("trendmicro", "Trend Micro scanner"),
    ("forcepoint", "Forcepoint scanner"),
    ("fireeye", "FireEye scanner"),
    ("zscaler", "Zscaler scanner"),
    ("sophos", "Sophos scanner"),
    ("virustotal", "VirusTotal scanner"),
    ("urlscan", "urlscan"),
    ("nessus", "Nessus scanner"),
    ("qualys", "Qualys scanner"),
)
_TABLET = re.compile(r"ipad|tablet|kindle|silk/|playbook|nexus (7|9|10)|sm-t\d|tab\b", re.I)
_MOBILE = re.compile(r"mobi|iphone|ipod|windows phone|blackberry|opera mini|android.*mobile", re.I)
_DESKTOP_OS = {"Windows", "Mac OS X", "macOS", "Linux", "Ubuntu", "Fedora", "Chrome OS", "FreeBSD"}


@dataclass(frozen=True)
class Agent:
    device: str  # mobile | tablet | desktop | other
    os: str
    browser: str
    bot_reason: str  # "" for a person's browser


@lru_cache(maxsize=4096)
def agent_describe(user_agent: str) -> Agent:
    """Read one user agent (cached: a send's clicks come from a few hundred distinct ones)."""
    lowered = user_agent.lower()
    if not user_agent.strip():
        return Agent("other", "Other", "Other", "no user agent")
    result = parse(user_agent)
    os = result.os.family if result.os else "Other"
    browser = result.user_agent.family if result.user_agent else "Other"
    reason = next((name for needle, name in BOT_AGENTS if needle in lowered), "")
    if not reason and result.device is not None and result.device.family == "Spider":
        reason = f"crawler ({browser})"
    if _TABLET.search(user_agent) or (os == "Android" and "mobile" not in lowered):
        device = "tablet"
    elif _MOBILE.search(user_agent) or os in ("iOS", "Android"):
        device = "mobile"
    elif os in _DESKTOP_OS:
        device = "desktop"
    else:
        device = "other"
    return Agent(device, os[:64], browser[:64], reason)
