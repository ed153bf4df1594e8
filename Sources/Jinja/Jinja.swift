/// Jinja2 templating with Ansible semantics (issue 3).
