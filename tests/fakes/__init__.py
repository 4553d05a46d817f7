"""Test stand-ins and fixtures-as-code shared by tests and benchmarks.

Real servers on 127.0.0.1 standing in for remote services (``telegram``: the Bot API,
``smtp``: a mail server, ``webhook``: a Slack/Discord incoming hook, ``llm``: OpenAI/Gemini,
``replay``: Hugging Face and arXiv from recorded answers) and small stores the tests build
themselves (``days``: a day to deliver, ``sitekit``: days to publish). Tests import them from
here, never from another test module.
"""
