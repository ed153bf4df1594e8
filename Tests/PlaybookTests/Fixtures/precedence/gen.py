#!/usr/bin/env python3
"""Write the prec_* conformance cases (inputs only; expected.json comes from `record`)."""
import json
import os
import textwrap

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cases")
CASES = {}

HOSTS1 = "[web]\nh1 ansible_connection=local\n"


def case(name, about, files, args=None, env=None):
    CASES[name] = dict(about=about, files=files, args=args or ["-i", "hosts", "site.yml"], env=env)


def d(s):
    return textwrap.dedent(s).lstrip("\n")


def show(*names, task="Show"):
    return d("""
    - name: %s
      ansible.builtin.debug:
        msg: "%s"
    """) % (task, " ".join("%s={{ %s }}" % (n, n) for n in names))


def play(tasks, hosts="web", extra=""):
    body = "- name: Play\n  hosts: %s\n  gather_facts: false\n" % hosts
    if extra:
        body += textwrap.indent(d(extra), "  ")
    body += "  tasks:\n" + textwrap.indent(tasks, "    ")
    return body


ROLE_SHOW = show("a", "b", task="In role")

# ---------------------------------------------------------------- inventory side

case("prec_role_defaults_vs_inv_file_all",
     "Role defaults are the lowest level: an inventory-file [all:vars] value beats them; an unset name keeps the default.",
     {"hosts": HOSTS1 + "\n[all:vars]\nb=inv-file-all\n",
      "roles/r/defaults/main.yml": "a: role-default\nb: role-default\n",
      "roles/r/tasks/main.yml": ROLE_SHOW,
      "site.yml": "- name: Play\n  hosts: web\n  gather_facts: false\n  roles:\n    - r\n"})

case("prec_inv_file_all_parent_child",
     "Inventory-file group vars: [all:vars] < [parent:vars] < [child:vars], whatever the order the sections appear in the file.",
     {"hosts": d("""
      [child:vars]
      c=child

      [child]
      h1 ansible_connection=local

      [parent:children]
      child

      [parent:vars]
      b=parent
      c=parent

      [all:vars]
      a=all
      b=all
      c=all
      """),
      "site.yml": play(show("a", "b", "c"), hosts="child")})

case("prec_inv_file_group_vs_inv_group_vars_all",
     "group_vars/all.yml beside the inventory beats both [all:vars] and [web:vars] of the inventory file (file group vars are below group_vars/all regardless of group depth).",
     {"hosts": HOSTS1 + "\n[web:vars]\na=inv-file-web\n\n[all:vars]\nb=inv-file-all\n",
      "group_vars/all.yml": "a: group_vars-all\nb: group_vars-all\n",
      "site.yml": play(show("a", "b"))})

case("prec_inv_group_vars_all_vs_pb_group_vars_all",
     "group_vars/all beside the inventory (in inv/) loses to group_vars/all beside the playbook.",
     {"inv/hosts": HOSTS1,
      "inv/group_vars/all.yml": "a: inv-group_vars-all\nb: inv-group_vars-all\n",
      "group_vars/all.yml": "b: pb-group_vars-all\n",
      "site.yml": play(show("a", "b"))},
     args=["-i", "inv/hosts", "site.yml"])

case("prec_pb_group_vars_all_vs_inv_group_vars_web",
     "Playbook group_vars/all loses to inventory group_vars/web: group depth matters more than which directory the file is in.",
     {"inv/hosts": HOSTS1,
      "inv/group_vars/web.yml": "a: inv-group_vars-web\n",
      "group_vars/all.yml": "a: pb-group_vars-all\nb: pb-group_vars-all\n",
      "site.yml": play(show("a", "b"))},
     args=["-i", "inv/hosts", "site.yml"])

case("prec_inv_group_vars_vs_pb_group_vars_web",
     "For the same group, inventory group_vars/web loses to playbook group_vars/web; inventory-only keys survive (files merge per key).",
     {"inv/hosts": HOSTS1,
      "inv/group_vars/web.yml": "a: inv-group_vars-web\nb: inv-group_vars-web\n",
      "group_vars/web.yml": "b: pb-group_vars-web\n",
      "site.yml": play(show("a", "b"))},
     args=["-i", "inv/hosts", "site.yml"])

case("prec_pb_group_vars_vs_inv_file_host",
     "A host var written inline in the inventory file beats playbook group_vars/web and group_vars/all.",
     {"inv/hosts": "[web]\nh1 ansible_connection=local a=inline-host\n",
      "group_vars/web.yml": "a: pb-group_vars-web\nb: pb-group_vars-web\n",
      "group_vars/all.yml": "a: pb-group_vars-all\nb: pb-group_vars-all\n",
      "site.yml": play(show("a", "b"))},
     args=["-i", "inv/hosts", "site.yml"])

case("prec_inv_file_host_vs_inv_host_vars",
     "Inline inventory host vars lose to host_vars/<host>.yml beside the inventory; inline-only keys stay.",
     {"inv/hosts": "[web]\nh1 ansible_connection=local a=inline b=inline\n",
      "inv/host_vars/h1.yml": "b: inv-host_vars\n",
      "site.yml": play(show("a", "b"))},
     args=["-i", "inv/hosts", "site.yml"])

case("prec_inv_host_vars_vs_pb_host_vars",
     "host_vars/<host> beside the inventory loses to host_vars/<host> beside the playbook; a host with no playbook host_vars keeps the inventory value.",
     {"inv/hosts": "[web]\nh1 ansible_connection=local\nh2 ansible_connection=local\n",
      "inv/host_vars/h1.yml": "a: inv-host_vars-h1\nb: inv-host_vars-h1\n",
      "inv/host_vars/h2.yml": "b: inv-host_vars-h2\n",
      "host_vars/h1.yml": "b: pb-host_vars-h1\n",
      "site.yml": play(d("""
      - name: Show
        ansible.builtin.debug:
          msg: "a={{ a | default('unset') }} b={{ b }}"
      """))},
     args=["-i", "inv/hosts", "site.yml"])

# ---------------------------------------------------------------- facts

SETUP = d("""
- name: Gather only the system fact
  ansible.builtin.setup:
    gather_subset: ['!all']
    filter: ['ansible_system']
""")

case("prec_host_vars_vs_facts",
     "A fact returned by setup (ansible_system) overrides the same name set in host_vars; before the fact exists the host_vars value is seen.",
     {"hosts": HOSTS1,
      "host_vars/h1.yml": "ansible_system: from-host_vars\n",
      "site.yml": play(show("ansible_system", task="Before setup") + SETUP +
                       show("ansible_system", task="After setup") + d("""
      - name: Facts dict holds the gathered value
        ansible.builtin.debug:
          msg: "{{ ansible_facts['system'] }}"
      """))})

case("prec_facts_vs_play_vars",
     "Play vars beat a gathered fact of the same name (ansible_system), while ansible_facts['system'] still holds the fact.",
     {"hosts": HOSTS1,
      "site.yml": play(SETUP + show("ansible_system", task="Play var wins over fact") + d("""
      - name: Facts dict keeps the fact
        ansible.builtin.debug:
          msg: "{{ ansible_facts['system'] }}"
      """), extra="vars:\n  ansible_system: from-play-vars\n")})

case("prec_set_fact_cacheable",
     "set_fact with cacheable: true still overrides play vars in the same play and in a later play (its value lives at the set_fact level too), and shows in ansible_facts.",
     {"hosts": HOSTS1,
      "site.yml": play(show("x", task="Play var first") + d("""
      - name: Cacheable set_fact
        ansible.builtin.set_fact:
          x: cached
          cacheable: true
      """) + show("x", task="After cacheable set_fact") + d("""
      - name: Also a fact
        ansible.builtin.debug:
          msg: "{{ ansible_facts['x'] | default('not-a-fact') }}"
      """), extra="vars:\n  x: play-vars\n") + d("""
      - name: Second play
        hosts: web
        gather_facts: false
        vars:
          x: play2-vars
        tasks:
          - name: In second play
            ansible.builtin.debug:
              msg: "x={{ x }}"
      """)})

# ---------------------------------------------------------------- play level

case("prec_host_vars_vs_play_vars",
     "Play vars beat host_vars/<host> (the highest inventory level).",
     {"hosts": HOSTS1,
      "host_vars/h1.yml": "a: host_vars\nb: host_vars\n",
      "site.yml": play(show("a", "b"), extra="vars:\n  a: play-vars\n")})

case("prec_play_vars_vs_vars_prompt",
     "vars_prompt with a default and no terminal takes the default without asking, and it beats play vars of the same name.",
     {"hosts": HOSTS1,
      "site.yml": play(show("a", "b"), extra=d("""
      vars:
        a: play-vars
        b: play-vars
      vars_prompt:
        - name: a
          prompt: Value of a
          default: prompt-default
          private: false
      """))})

case("prec_vars_prompt_vs_vars_files",
     "vars_files beats a vars_prompt default for the same name.",
     {"hosts": HOSTS1,
      "vars/extra.yml": "a: vars_files\n",
      "site.yml": play(show("a", "b"), extra=d("""
      vars_prompt:
        - name: a
          prompt: Value of a
          default: prompt-default
          private: false
        - name: b
          prompt: Value of b
          default: prompt-default-b
          private: false
      vars_files:
        - vars/extra.yml
      """))})

case("prec_vars_files_vs_role_vars",
     "Role vars/main.yml beats vars_files, inside the role and in play tasks after it (role vars are not private by default).",
     {"hosts": HOSTS1,
      "vars/extra.yml": "a: vars_files\nb: vars_files\n",
      "roles/r/vars/main.yml": "a: role-vars\n",
      "roles/r/tasks/main.yml": ROLE_SHOW,
      "site.yml": play(show("a", "b", task="Play task after role"),
                       extra="vars_files:\n  - vars/extra.yml\nroles:\n  - r\n")})

case("prec_role_vars_vs_block_vars",
     "Block vars inside a role's task file beat the role's vars/main.yml; outside the block the role var is back.",
     {"hosts": HOSTS1,
      "roles/r/vars/main.yml": "a: role-vars\nb: role-vars\n",
      "roles/r/tasks/main.yml": d("""
      - name: Block in role
        vars:
          a: block-vars
        block:
          - name: Inside block
            ansible.builtin.debug:
              msg: "a={{ a }} b={{ b }}"
      - name: After block
        ansible.builtin.debug:
          msg: "a={{ a }} b={{ b }}"
      """),
      "site.yml": "- name: Play\n  hosts: web\n  gather_facts: false\n  roles:\n    - r\n"})

case("prec_task_vars_vs_include_vars",
     "include_vars beats task vars and block vars on later tasks, and even on the task that names the var in its own vars:.",
     {"hosts": HOSTS1,
      "vars/inc.yml": "a: include_vars\nb: include_vars\n",
      "site.yml": play(d("""
      - name: Block
        vars:
          b: block-vars
        block:
          - name: Before include_vars
            ansible.builtin.debug:
              msg: "a={{ a }} b={{ b }}"
            vars:
              a: task-vars
          - name: Load file
            ansible.builtin.include_vars: vars/inc.yml
          - name: After include_vars with task vars
            ansible.builtin.debug:
              msg: "a={{ a }} b={{ b }}"
            vars:
              a: task-vars
      """))})

case("prec_include_vars_vs_set_fact",
     "set_fact beats include_vars whichever runs last: an include_vars after a set_fact does not change the value; register beats include_vars too.",
     {"hosts": HOSTS1,
      "vars/inc.yml": "a: include_vars\nb: include_vars\nc: include_vars\n",
      "site.yml": play(d("""
      - name: Set a first
        ansible.builtin.set_fact:
          a: set_fact
      - name: Register c
        ansible.builtin.debug:
          msg: registered
        register: c
      - name: Load file after set_fact
        ansible.builtin.include_vars: vars/inc.yml
      - name: Show
        ansible.builtin.debug:
          msg: "a={{ a }} b={{ b }} c={{ c.msg | default(c) }}"
      """))})

case("prec_set_fact_vs_role_params",
     "Role params of a roles: entry beat a set_fact made before the role; after the role the set_fact value is visible again.",
     {"hosts": HOSTS1,
      "roles/r/tasks/main.yml": show("a", task="In role"),
      "site.yml": d("""
      - name: Play
        hosts: web
        gather_facts: false
        pre_tasks:
          - name: Set fact before role
            ansible.builtin.set_fact:
              a: set_fact
        roles:
          - role: r
            a: role-param
        tasks:
          - name: After role
            ansible.builtin.debug:
              msg: "a={{ a }}"
      """)})

case("prec_role_params_vs_include_params",
     "Inside a role called with params, include_tasks vars: (include params) beat the role params; import_tasks vars: (task vars) do not.",
     {"hosts": HOSTS1,
      "roles/r/tasks/main.yml": d("""
      - name: Include with vars
        ansible.builtin.include_tasks: show.yml
        vars:
          a: include-param
      - name: Import with vars
        ansible.builtin.import_tasks: show.yml
        vars:
          a: import-vars
      """),
      "roles/r/tasks/show.yml": show("a", task="Shown"),
      "site.yml": "- name: Play\n  hosts: web\n  gather_facts: false\n  roles:\n    - role: r\n      a: role-param\n"})

case("prec_include_params_vs_extra_vars",
     "Extra vars beat include_tasks vars:, include_role vars:, role params and set_fact.",
     {"hosts": HOSTS1,
      "show.yml": show("a", task="Shown"),
      "roles/r/tasks/main.yml": show("a", task="In role"),
      "site.yml": play(d("""
      - name: Try set_fact
        ansible.builtin.set_fact:
          a: set_fact
      - name: Include tasks with vars
        ansible.builtin.include_tasks: show.yml
        vars:
          a: include-param
      - name: Include role with vars
        ansible.builtin.include_role:
          name: r
        vars:
          a: include-role-param
      """))},
     args=["-i", "hosts", "site.yml", "-e", "a=extra"])

case("prec_include_vars_vs_include_params",
     "In a file pulled by include_tasks with vars:, the include param beats an include_vars run inside that file; via import_tasks the include_vars value wins over the import's vars.",
     {"hosts": HOSTS1,
      "inner.yml": d("""
      - name: Load file
        ansible.builtin.include_vars: inc.yml
      - name: Shown
        ansible.builtin.debug:
          msg: "a={{ a }}"
      """),
      "inc.yml": "a: include_vars\n",
      "site.yml": play(d("""
      - name: Import with vars
        ansible.builtin.import_tasks: inner.yml
        vars:
          a: import-vars
      - name: Include with vars
        ansible.builtin.include_tasks: inner.yml
        vars:
          a: include-param
      """))})

# ---------------------------------------------------------------- roles

case("prec_lazy_default_override",
     "A role default built from another var is templated at use: overriding only the referenced var (play vars, then task vars, then extra vars for a third) changes the result.",
     {"hosts": HOSTS1,
      "roles/r/defaults/main.yml": d("""
      who: default-who
      greeting: "hello {{ who }}"
      place: default-place
      sentence: "{{ greeting }} at {{ place }}"
      """),
      "roles/r/tasks/main.yml": d("""
      - name: Greeting with play override
        ansible.builtin.debug:
          msg: "{{ sentence }}"
      - name: Greeting with task override
        ansible.builtin.debug:
          msg: "{{ sentence }}"
        vars:
          who: task-who
      """),
      "site.yml": "- name: Play\n  hosts: web\n  gather_facts: false\n  vars:\n    who: play-who\n  roles:\n    - r\n"},
     args=["-i", "hosts", "site.yml", "-e", "place=extra-place"])

case("prec_dep_defaults_vs_dependent",
     "Role a depends on role b and both default x and y: what each role's tasks and the later play tasks see.",
     {"hosts": HOSTS1,
      "roles/a/meta/main.yml": "dependencies:\n  - b\n",
      "roles/a/defaults/main.yml": "x: a-default\nonly_a: a-default\n",
      "roles/a/tasks/main.yml": show("x", "only_a", "only_b", task="In a"),
      "roles/b/defaults/main.yml": "x: b-default\nonly_b: b-default\n",
      "roles/b/tasks/main.yml": show("x", "only_b", task="In b") + d("""
      - name: In b, a's own default
        ansible.builtin.debug:
          msg: "{{ only_a | default('not-visible') }}"
      """),
      "site.yml": play(show("x", "only_a", "only_b", task="Play task after roles"),
                       extra="roles:\n  - a\n")})

case("prec_dep_params_vs_dependent_defaults",
     "A dependency listed with params in meta/main.yml sees the params; the dependent role's defaults of the same name do not reach it.",
     {"hosts": HOSTS1,
      "roles/a/meta/main.yml": "dependencies:\n  - role: b\n    x: from-a-meta\n",
      "roles/a/defaults/main.yml": "x: a-default\n",
      "roles/a/tasks/main.yml": show("x", task="In a"),
      "roles/b/defaults/main.yml": "x: b-default\n",
      "roles/b/tasks/main.yml": show("x", task="In b"),
      "site.yml": "- name: Play\n  hosts: web\n  gather_facts: false\n  roles:\n    - a\n"})

case("prec_two_roles_same_default",
     "Two roles default the same name: each role's tasks see their own default, and play tasks after both see the last role's.",
     {"hosts": HOSTS1,
      "roles/one/defaults/main.yml": "x: one-default\n",
      "roles/one/tasks/main.yml": show("x", task="In one"),
      "roles/two/defaults/main.yml": "x: two-default\n",
      "roles/two/tasks/main.yml": show("x", task="In two"),
      "site.yml": d("""
      - name: Play
        hosts: web
        gather_facts: false
        pre_tasks:
          - name: Before roles
            ansible.builtin.debug:
              msg: "x={{ x | default('unset') }}"
        roles:
          - one
          - two
        tasks:
          - name: After roles
            ansible.builtin.debug:
              msg: "x={{ x }}"
      """)})

case("prec_role_vars_leak_to_next_role",
     "Role vars of an earlier role are visible in a later role's tasks and beat that role's defaults; the later role's own vars/main.yml wins over them.",
     {"hosts": HOSTS1,
      "roles/one/vars/main.yml": "x: one-vars\ny: one-vars\n",
      "roles/one/tasks/main.yml": show("x", "y", task="In one"),
      "roles/two/defaults/main.yml": "x: two-default\n",
      "roles/two/vars/main.yml": "y: two-vars\n",
      "roles/two/tasks/main.yml": show("x", "y", task="In two"),
      "site.yml": "- name: Play\n  hosts: web\n  gather_facts: false\n  roles:\n    - one\n    - two\n"})

case("prec_include_role_defaults_scope",
     "include_role defaults and vars are visible only while the role runs (public: false); import_role exposes them to later play tasks.",
     {"hosts": HOSTS1,
      "roles/inc/defaults/main.yml": "d_inc: inc-default\n",
      "roles/inc/vars/main.yml": "v_inc: inc-vars\n",
      "roles/inc/tasks/main.yml": show("d_inc", "v_inc", task="In inc"),
      "roles/imp/defaults/main.yml": "d_imp: imp-default\n",
      "roles/imp/tasks/main.yml": show("d_imp", task="In imp"),
      "site.yml": play(d("""
      - name: Include role
        ansible.builtin.include_role:
          name: inc
      - name: After include_role
        ansible.builtin.debug:
          msg: "d_inc={{ d_inc | default('unset') }} v_inc={{ v_inc | default('unset') }}"
      - name: Import role
        ansible.builtin.import_role:
          name: imp
      - name: After import_role
        ansible.builtin.debug:
          msg: "d_imp={{ d_imp | default('unset') }}"
      """))})

# ---------------------------------------------------------------- features

case("prec_include_vars_name",
     "include_vars with name: puts the file under one key that replaces an existing var of that name; keys of the file are not top level.",
     {"hosts": HOSTS1,
      "vars/cfg.yml": "port: 80\nnested:\n  k: v\n",
      "site.yml": play(d("""
      - name: Load under a name
        ansible.builtin.include_vars:
          file: vars/cfg.yml
          name: cfg
      - name: Named dict replaced the play dict
        ansible.builtin.debug:
          var: cfg
      - name: Keys are not top level
        ansible.builtin.debug:
          msg: "{{ port | default('no-top-level-port') }}"
      - name: Nested access
        ansible.builtin.debug:
          msg: "{{ cfg.nested.k }} {{ cfg.port + 1 }}"
      """), extra="vars:\n  cfg:\n    old: true\n")})

case("prec_set_fact_clear_facts",
     "meta: clear_facts removes gathered facts (ansible_facts and the injected ansible_* name) but keeps set_fact values, cacheable or not, and registered results.",
     {"hosts": HOSTS1,
      "site.yml": play(d("""
      - name: Set facts
        ansible.builtin.set_fact:
          a: set_fact
          only_fact: set_fact
      - name: Cacheable fact
        ansible.builtin.set_fact:
          cf: cached
          cacheable: true
      - name: Gather one fact
        ansible.builtin.setup:
          gather_subset: ['!all']
          filter: ['ansible_system']
      - name: Register something
        ansible.builtin.debug:
          msg: kept
        register: reg
      - name: Before clear
        ansible.builtin.debug:
          msg: "a={{ a }} only_fact={{ only_fact | default('unset') }} cf={{ cf | default('unset') }} sys={{ ansible_system | default('unset') }} facts={{ ansible_facts | dictsort }}"
      - name: Clear facts
        ansible.builtin.meta: clear_facts
      - name: After clear
        ansible.builtin.debug:
          msg: "a={{ a }} only_fact={{ only_fact | default('unset') }} cf={{ cf | default('unset') }} sys={{ ansible_system | default('unset') }} facts={{ ansible_facts | dictsort }} reg={{ reg.msg | default('unset') }}"
      """), extra="vars:\n  a: play-vars\n")})

HASH_FILES = {
    "hosts": HOSTS1,
    "group_vars/all.yml": "cfg:\n  a: group-all\n  b: group-all\n  deep:\n    x: group-all\n    y: group-all\n",
    "host_vars/h1.yml": "cfg:\n  b: host\n  deep:\n    y: host\n",
}
HASH_PLAY = play(d("""
- name: Whole dict
  ansible.builtin.debug:
    var: cfg
- name: Task vars dict
  ansible.builtin.debug:
    var: cfg
  vars:
    cfg:
      d: task
"""), extra="vars:\n  cfg:\n    c: play\n    deep:\n      z: play\n")

case("prec_hash_merge",
     "ANSIBLE_HASH_BEHAVIOUR=merge: group_vars, host_vars, play vars and task vars dicts of the same name merge recursively, higher level winning per key.",
     dict(HASH_FILES, **{"site.yml": HASH_PLAY}),
     env={"ANSIBLE_HASH_BEHAVIOUR": "merge"})

case("prec_hash_replace_default",
     "The same layout as prec_hash_merge without the setting: each higher level replaces the whole dict.",
     dict(HASH_FILES, **{"site.yml": HASH_PLAY}))

case("prec_extra_vars_json_nested",
     "-e JSON with a nested dict replaces (does not merge) a play vars dict and a host_vars dict; types from JSON are kept.",
     {"hosts": HOSTS1,
      "host_vars/h1.yml": "hv:\n  keep: host\n  n: 0\n",
      "site.yml": play(d("""
      - name: Play dict replaced
        ansible.builtin.debug:
          var: cfg
      - name: Host dict replaced
        ansible.builtin.debug:
          var: hv
      - name: Types
        ansible.builtin.debug:
          msg: "{{ cfg.deep.n | type_debug }} {{ hv.n + 1 }}"
      """), extra="vars:\n  cfg:\n    a: play\n    deep:\n      x: play\n      y: play\n")},
     args=["-i", "hosts", "site.yml", "-e", '{"cfg": {"deep": {"n": 1}}, "hv": {"n": 41}}'])

case("prec_magic_var_override",
     "Magic vars are not protected: inventory_hostname and group_names set in play vars or task vars override the real values; but a host_vars value named playbook_dir loses to the magic value.",
     {"hosts": "[web]\nh1 ansible_connection=local\n",
      "host_vars/h1.yml": "playbook_dir: /from/host_vars\n",
      "site.yml": play(d("""
      - name: Play vars try
        ansible.builtin.debug:
          msg: "{{ inventory_hostname }} {{ group_names }}"
      - name: Task vars try
        ansible.builtin.debug:
          msg: "{{ inventory_hostname }} {{ group_names }}"
        vars:
          inventory_hostname: task-vars
          group_names: [task]
      - name: Host var named like a magic var
        ansible.builtin.debug:
          msg: "{{ playbook_dir == '/from/host_vars' }}"
      """), extra="vars:\n  inventory_hostname: play-vars\n  group_names: [play]\n")})

case("prec_play_hosts_after_failure",
     "After one host fails, ansible_play_hosts drops it while ansible_play_hosts_all keeps every host, in inventory order.",
     {"hosts": "[web]\nh1 ansible_connection=local\nh2 ansible_connection=local\nh3 ansible_connection=local\n",
      "site.yml": play(d("""
      - name: Before failure
        ansible.builtin.debug:
          msg: "{{ ansible_play_hosts }} {{ ansible_play_hosts_all }}"
      - name: h2 fails
        ansible.builtin.fail:
          msg: boom
        when: inventory_hostname == 'h2'
      - name: After failure
        ansible.builtin.debug:
          msg: "{{ ansible_play_hosts }} {{ ansible_play_hosts_all }} {{ ansible_play_batch }}"
      """))})

case("prec_hostvars_other_host",
     "hostvars[other] sees the other host's set_fact and registered results from the same play, its inventory vars, but not play vars.",
     {"hosts": "[web]\nh1 ansible_connection=local color=red\nh2 ansible_connection=local color=blue\n",
      "site.yml": play(d("""
      - name: Set per-host fact
        ansible.builtin.set_fact:
          mine: "fact-of-{{ inventory_hostname }}"
      - name: Register per host
        ansible.builtin.debug:
          msg: "reg-of-{{ inventory_hostname }}"
        register: r
      - name: Read the other host
        vars:
          other: "{{ 'h2' if inventory_hostname == 'h1' else 'h1' }}"
        ansible.builtin.debug:
          msg: "{{ hostvars[other].mine }} {{ hostvars[other].r.msg }} {{ hostvars[other].color }} {{ hostvars[other].pv | default('no-play-var') }}"
      """), extra="vars:\n  pv: play\n")})

case("prec_group_names",
     "group_names is sorted and leaves out 'all'; parent groups reached through :children are included; an ungrouped host gets ['ungrouped'] or not.",
     {"hosts": d("""
      lone ansible_connection=local

      [zeta]
      h1 ansible_connection=local

      [alpha]
      h1

      [parent:children]
      zeta
      """),
      "site.yml": play(d("""
      - name: Names
        ansible.builtin.debug:
          var: group_names
      """), hosts="all")})

case("prec_groups_ordering",
     "groups['x'] keeps the order hosts were first added to x (file order), children hosts follow direct ones, and groups['all'] / ungrouped lists.",
     {"hosts": d("""
      [web]
      w2 ansible_connection=local
      w1 ansible_connection=local

      [db]
      d1 ansible_connection=local
      w1

      [app:children]
      db
      web

      [app]
      a0 ansible_connection=local

      [other]
      w2
      """),
      "site.yml": play(d("""
      - name: Groups
        ansible.builtin.debug:
          msg: "{{ groups['web'] }} {{ groups['db'] }} {{ groups['app'] }} {{ groups['all'] }} {{ groups['ungrouped'] }} {{ groups['other'] }}"
      """), hosts="d1")})

case("prec_omit",
     "omit drops a module argument: file mode via default(omit) uses the default, a debug msg of omit prints the module's default message, and an omit inside a dict argument is removed.",
     {"hosts": HOSTS1,
      "site.yml": play(d("""
      - name: Directory with omitted mode
        ansible.builtin.file:
          path: "{{ playbook_dir }}/out/d"
          state: directory
          mode: "{{ dir_mode | default(omit) }}"
      - name: Copy with explicit and omitted args
        ansible.builtin.copy:
          dest: "{{ playbook_dir }}/out/f.txt"
          content: "hi\\n"
          mode: "{{ file_mode | default(omit) }}"
          backup: "{{ nope | default(omit) }}"
      - name: Debug msg omitted
        ansible.builtin.debug:
          msg: "{{ omit }}"
      - name: Omit through a var
        ansible.builtin.debug:
          msg: "{{ m }}"
        vars:
          m: "{{ omit }}"
      """), extra="vars:\n  file_mode: '0600'\n")})

case("prec_unsafe",
     "A !unsafe value is never templated: shown directly, through another var, and via set_fact; a plain var with the same text is templated.",
     {"hosts": HOSTS1,
      "vars/u.yml": "from_file: !unsafe '{{ secret }}'\n",
      "site.yml": play(d("""
      - name: Direct
        ansible.builtin.debug:
          msg: "{{ raw }}"
      - name: Through a var
        ansible.builtin.debug:
          msg: "{{ via }}"
      - name: Plain is templated
        ansible.builtin.debug:
          msg: "{{ plain }}"
      - name: Copy by set_fact
        ansible.builtin.set_fact:
          copied: "{{ raw }}"
      - name: Copied stays raw
        ansible.builtin.debug:
          var: copied
      - name: From vars_files
        ansible.builtin.debug:
          msg: "{{ from_file }} {{ from_file | length }}"
      """), extra=d("""
      vars_files:
        - vars/u.yml
      vars:
        secret: s3cr3t
        raw: !unsafe '{{ secret }} {% if true %}x{% endif %}'
        via: "{{ raw }}"
        plain: '{{ secret }}'
      """))})

case("prec_recursive_var",
     "Two vars that reference each other make the task that uses them fail (ignored here); unrelated vars still work afterwards.",
     {"hosts": HOSTS1,
      "site.yml": play(d("""
      - name: Recursive use
        ansible.builtin.debug:
          msg: "{{ a }}"
        ignore_errors: true
      - name: Self reference
        ansible.builtin.debug:
          msg: "{{ s }}"
        ignore_errors: true
      - name: Unrelated still fine
        ansible.builtin.debug:
          msg: "{{ ok }}"
      """), extra=d("""
      vars:
        a: "{{ b }}"
        b: "{{ a }}"
        s: "x{{ s }}"
        ok: fine
      """))})

case("prec_undefined_nested_default",
     "default() rescues an undefined key, an undefined attribute of an undefined var and a missing deep key; default(x, true) also replaces empty/false; is defined on nested paths; default() keeps a null value (debug msg of null has no msg key, null inside a string renders empty).",
     {"hosts": HOSTS1,
      "site.yml": play(d("""
      - name: Missing key
        ansible.builtin.debug:
          msg: "{{ d.missing | default('dflt') }}"
      - name: Missing deep key
        ansible.builtin.debug:
          msg: "{{ d.missing.deeper | default('dflt-deep') }}"
      - name: Attribute of undefined var
        ansible.builtin.debug:
          msg: "{{ nothere.attr | default('dflt-undef') }}"
      - name: Empty string kept unless boolean flag
        ansible.builtin.debug:
          msg: "[{{ d.empty | default('x') }}] [{{ d.empty | default('x', true) }}] [{{ d.zero | default('x', true) }}]"
      - name: Defined tests
        ansible.builtin.debug:
          msg: "{{ d.k is defined }} {{ d.missing is defined }} {{ d['k'] is defined }} {{ (d.missing | default({})).x is defined }}"
      - name: Nested undefined without default fails
        ansible.builtin.debug:
          msg: "{{ d.missing.deeper }}"
        ignore_errors: true
      - name: Default keeps a null value, msg of null is dropped
        ansible.builtin.debug:
          msg: "{{ d.nothing | default('dflt-none') }}"
      - name: Null inside a string renders empty
        ansible.builtin.debug:
          msg: "[{{ d.nothing | default('dflt-none') }}]"
      - name: Null through var
        ansible.builtin.debug:
          var: d.nothing | default('dflt-none')
      """), extra=d("""
      vars:
        d:
          k: v
          empty: ''
          zero: 0
          nothing: null
      """))})

case("prec_register_vs_include_vars",
     "A registered result beats an include_vars value of the same name even when include_vars runs after the register.",
     {"hosts": HOSTS1,
      "vars/inc.yml": "r: include_vars\n",
      "site.yml": play(d("""
      - name: Register r
        ansible.builtin.debug:
          msg: registered
        register: r
      - name: Load file
        ansible.builtin.include_vars: vars/inc.yml
      - name: Show r
        ansible.builtin.debug:
          var: r.msg
      """))})

case("prec_include_vars_in_role_vs_role_params",
     "Inside a role called with params, include_vars and set_fact do not beat the role params; block vars in the role do not either.",
     {"hosts": HOSTS1,
      "roles/r/vars/extra.yml": "a: include_vars\n",
      "roles/r/tasks/main.yml": d("""
      - name: Include role var file
        ansible.builtin.include_vars: extra.yml
      - name: After include_vars
        ansible.builtin.debug:
          msg: "a={{ a }}"
      - name: Block vars
        vars:
          a: block-vars
        block:
          - name: In block
            ansible.builtin.debug:
              msg: "a={{ a }}"
      """),
      "site.yml": "- name: Play\n  hosts: web\n  gather_facts: false\n  roles:\n    - role: r\n      a: role-param\n"})

case("prec_extra_vars_vs_role_vars_and_magic",
     "Extra vars beat role vars inside the role and vars_files; an extra var of a magic name (inventory_hostname) replaces the magic value too.",
     {"hosts": HOSTS1,
      "vars/f.yml": "a: vars_files\n",
      "roles/r/vars/main.yml": "a: role-vars\nb: role-vars\n",
      "roles/r/tasks/main.yml": d("""
      - name: In role
        ansible.builtin.debug:
          msg: "a={{ a }} b={{ b }} host={{ inventory_hostname }}"
      """),
      "site.yml": "- name: Play\n  hosts: web\n  gather_facts: false\n  vars_files:\n    - vars/f.yml\n  roles:\n    - r\n"},
     args=["-i", "hosts", "site.yml", "-e", "a=extra", "-e", "inventory_hostname=extra-host"])


case("prec_import_vs_include_tasks_vars",
     "A set_fact inside the file beats vars: given to import_tasks (task-level vars) but not vars: given to include_tasks (include params); after the include the set_fact value shows.",
     {"hosts": HOSTS1,
      "inner.yml": d("""
      - name: Set inside
        ansible.builtin.set_fact:
          a: set_fact
      - name: Shown
        ansible.builtin.debug:
          msg: "a={{ a }} b={{ b }}"
      """),
      "site.yml": play(d("""
      - name: Import with vars
        ansible.builtin.import_tasks: inner.yml
        vars:
          a: import-vars
          b: import-vars
      - name: Include with vars
        ansible.builtin.include_tasks: inner.yml
        vars:
          a: include-param
          b: include-param
      - name: After include
        ansible.builtin.debug:
          msg: "a={{ a }} b={{ b | default('unset') }}"
      """))})


case("prec_clear_facts_keeps_set_fact",
     "Without any gathered facts: meta: clear_facts leaves plain and cacheable set_fact values and registered results in place; ansible_facts is an empty dict afterwards.",
     {"hosts": HOSTS1,
      "site.yml": play(d("""
      - name: Set facts
        ansible.builtin.set_fact:
          a: set_fact
      - name: Cacheable fact
        ansible.builtin.set_fact:
          cf: cached
          cacheable: true
      - name: Register something
        ansible.builtin.debug:
          msg: kept
        register: reg
      - name: Clear facts
        ansible.builtin.meta: clear_facts
      - name: After clear
        ansible.builtin.debug:
          msg: "a={{ a }} cf={{ cf }} reg={{ reg.msg }}"
      - name: Facts dict after clear
        ansible.builtin.debug:
          var: ansible_facts
      """), extra="vars:\n  a: play-vars\n")})


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, c in sorted(CASES.items()):
        root = os.path.join(OUT, name)
        os.makedirs(root, exist_ok=True)
        meta = {"args": c["args"], "about": c["about"]}
        if c["env"]:
            meta["env"] = c["env"]
        with open(os.path.join(root, "case.json"), "w") as f:
            json.dump(meta, f, indent=1)
            f.write("\n")
        for rel, text in c["files"].items():
            p = os.path.join(root, rel)
            os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, "w") as f:
                f.write(text)
    print(len(CASES), "cases")


main()
