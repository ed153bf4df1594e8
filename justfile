# Recipes for the Matrix playbook and for runner itself. Every playbook recipe runs runner
# (built on demand), never ansible-playbook.

set shell := ["bash", "-euo", "pipefail", "-c"]

# release by default; RUNNER_BUILD=debug reuses the test build (CI does).
configuration := env_var_or_default("RUNNER_BUILD", "release")
runner := justfile_directory() / ".build" / configuration / "runner"
inventory := "inventory/hosts"

# Lists the recipes
default:
    @{{ just_executable() }} --list --justfile "{{ justfile() }}"

# Builds runner (release) when its sources changed
build:
    @swift build -c {{ configuration }} --product runner --quiet

# Runs the playbook with the given arguments
run *args: build
    "{{ runner }}" -i {{ inventory }} setup.yml {{ args }}

# Runs the playbook with the given comma-separated tags and optional arguments
run-tags tags *args: build
    "{{ runner }}" -i {{ inventory }} setup.yml --tags={{ tags }} {{ args }}

# Installs and starts everything
install-all *args: (run-tags "install-all,start" args)

# Installs, configures and starts everything
setup-all *args: (run-tags "setup-all,start" args)

# Registers a user (admin: yes or no); an existing user is `ok`, with its admin flag corrected
[positional-arguments]
register-user username password admin *args: build
    MATRIX_USERNAME="$1" MATRIX_PASSWORD="$2" MATRIX_ADMIN="$3" "{{ runner }}" -i {{ inventory }} setup.yml --tags=register-user --extra-vars=@playbooks/extra-vars/user-from-environment.yml "${@:4}"

# Promotes (yes) or demotes (no) a user at once, through Synapse's admin API
[positional-arguments]
set-user-admin username admin *args: build
    MATRIX_USERNAME="$1" MATRIX_ADMIN="$2" "{{ runner }}" -i {{ inventory }} setup.yml --tags=set-user-admin --extra-vars=@playbooks/extra-vars/user-from-environment.yml "${@:3}"

# Changes a user's password
[positional-arguments]
update-user-password username password *args: build
    MATRIX_USERNAME="$1" MATRIX_PASSWORD="$2" "{{ runner }}" -i {{ inventory }} setup.yml --tags=update-user-password --extra-vars=@playbooks/extra-vars/user-from-environment.yml "${@:3}"

# Brings the local demo homeserver up: its sshd target on 127.0.0.1:22022, then Synapse on it
demo: build
    scripts/demo-target up
    {{ just_executable() }} --justfile "{{ justfile() }}" install-all

# Stops the demo homeserver and its sshd target
demo-down:
    -{{ just_executable() }} --justfile "{{ justfile() }}" run-tags stop
    scripts/demo-target down

# Runs every test: the Swift test suite, then the register-user job end to end
test:
    swift build --build-tests
    swift test --disable-xctest
    RUNNER_BUILD=debug Tests/e2e/register-user.sh
