#!/bin/sh
if [ "$1" = "--list" ]; then
cat <<'EOF'
{
  "web": {"hosts": ["s1", "s2"], "vars": {"role": "web", "tmpl": "{{ x }}"}},
  "db": {"hosts": ["s3"], "children": ["web"]},
  "_meta": {"hostvars": {"s1": {"a": 1, "b": "{{ y }}"}}}
}
EOF
else
echo '{}'
fi
