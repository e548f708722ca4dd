#!/bin/sh
# fq edit: edit a case in $EDITOR, validated before it is committed.
. "$(dirname "$0")/lib.sh"
exec </dev/null

make_repo
ID=$(new_case --accepted 2024-03-05)
is "a case" "$ID" QSZ-2024-000001
F=repo/cases/2024/03/$ID.yaml
KEEP=repo/.git/fq/edit/$ID.yaml
clean() {
	is "$1: working tree equals HEAD" \
		"$(git -C repo status --porcelain --untracked-files=all)" ""
}

# Editors: fq runs them as sh -c 'exec $EDITOR "$1"'.
mkdir ed
cat >ed/break <<'EOF'
#!/bin/sh
echo 'bad: [' >>"$1"
EOF
cat >ed/newid <<'EOF'
#!/bin/sh
sed -i 's/^id: QSZ-2024-000001$/id: QSZ-2024-000002/' "$1"
EOF
cat >ed/dropevent <<'EOF'
#!/bin/sh
# delete the first event (5 lines from "- at:" under events:; the
# template's comments dropped first)
grep -v '^ *#' "$1" |
awk 'BEGIN{skip=0} /^events:/{print; getline; skip=1}
     skip && /^- at:/ && seen {skip=0}
     skip {seen=1; next} {print}' >"$1.new" && mv "$1.new" "$1"
EOF
cat >ed/badcat <<'EOF'
#!/bin/sh
sed -i 's/^category: .*/category: nosuch_category/' "$1"
EOF
cat >ed/accepted <<'EOF'
#!/bin/sh
sed -i 's/^accepted_on:.*/accepted_on: 2024-03-01/' "$1"
EOF
cat >ed/changeevent <<'EOF'
#!/bin/sh
sed -i 's/登记受理/changed/' "$1"
EOF
cat >ed/addevent <<'EOF'
#!/bin/sh
cat >>"$1" <<'X'
- at: 2024-03-20T10:00:00+08:00
  kind: note
  actor: 李调解
  note: 补记一次电话
X
EOF
chmod +x ed/*
ED=$TEST_TMP/ed

# --- a good edit --------------------------------------------------------
N=$(commits repo)
exits 0 "an edit is committed" env EDITOR="sed -i s/两家/三家/" fq edit -C repo "$ID"
is "... one commit" "$(commits repo)" $((N + 1))
is "... message" "$(git -C repo log -1 --format=%s)" \
	"fq-edit: $ID 王某甲与王某乙宅基地纠纷"
is "... author" "$(git -C repo log -1 --format='%an <%ae>')" \
	"李调解 <li@example.org>"
like "... the change is in the file" "$(cat "$F")" '^summary: 三家因滴水檐发生争执$'
like "... a correction event" "$(tail -5 "$F")" 'kind: correction$'
like "... naming the field" "$(tail -5 "$F")" 'note: .*summary'
unlike "... naming only that field" "$(tail -5 "$F")" 'note: .*(title|category)'
is "... in HEAD" "$(git -C repo show "HEAD:cases/2024/03/$ID.yaml")" "$(cat "$F")"
ok "... the working copy is gone" test ! -e "$KEEP"
clean "good edit"
exits 0 "show" fq show -C repo "$ID"
like "... shows the correction" "$(out)" '更正.*summary'

# An edit of accepted_on recomputes due_on.
exits 0 "editing accepted_on" \
	env EDITOR="$ED/accepted" fq edit -C repo "$ID"
like "... due_on recomputed" "$(cat "$F")" '^due_on: 2024-04-01$'
like "... the correction names accepted_on" "$(tail -5 "$F")" 'note: .*accepted_on'
# Appending an event is allowed.
exits 0 "appending an event" env EDITOR="$ED/addevent" fq edit -C repo "$ID"
like "... kept" "$(cat "$F")" 'note: 补记一次电话'
clean "appended"

# --- no change ------------------------------------------------------------
N=$(commits repo)
exits 0 "an editor that changes nothing" env EDITOR=true fq edit -C repo "$ID"
is "... no commit" "$(commits repo)" "$N"
like "... says so" "$(err)" 'no change'
ok "... no working copy left" test ! -e "$KEEP"

# --- an edit that breaks the YAML: 65, kept aside -------------------------
cp "$F" f.before
exits 65 "an edit that breaks the YAML exits 65" \
	env EDITOR="$ED/break" fq edit -C repo "$ID"
is "... nothing committed" "$(commits repo)" "$N"
is "... the case file unchanged" "$(cat "$F")" "$(cat f.before)"
clean "broken"
like "... and the message names the kept edit" "$(err)" "\.git/fq/edit/$ID\.yaml"
like "... with a line and column" "$(err)" "$ID\.yaml:[0-9]+:[0-9]+: "
like "... and how to take it up" "$(err)" "--from"
ok "... the edit is kept in .git/fq/edit/ID.yaml" test -f "$KEEP"
like "... with the broken text" "$(tail -1 "$KEEP")" '^bad: \[$'
is "... kept private" "$(stat -c %a "$KEEP")" 600

exits 1 "a second edit while one is kept is refused" \
	env EDITOR="sed -i s/三家/四家/" fq edit -C repo "$ID"
like "... naming the kept file" "$(err)" "\.git/fq/edit/$ID\.yaml"
is "... kept file untouched" "$(tail -1 "$KEEP")" 'bad: ['

cp "$KEEP" fixed.yaml
sed -i '$d' fixed.yaml
sed -i 's/三家/四家/' fixed.yaml
cp fixed.yaml "$KEEP"
exits 0 "fq edit ID --from THATFILE after fixing it" \
	fq edit -C repo "$ID" --from "$KEEP"
is "... one commit" "$(commits repo)" $((N + 1))
like "... the fixed text is committed" \
	"$(git -C repo show "HEAD:cases/2024/03/$ID.yaml")" '^summary: 四家因滴水檐发生争执$'
unlike "... without the broken line" "$(cat "$F")" '^bad:'
ok "... the kept edit, now taken up, is removed" test ! -e "$KEEP"
clean "from"
exits 65 "--from a stale copy (missing the latest event) is refused" \
	fq edit -C repo "$ID" --from fixed.yaml
like "... append-only" "$(err)" 'append-only'
sed 's/四家/两户/' "$F" >own.yaml
exits 0 "--from a file of one's own" fq edit -C repo "$ID" --from own.yaml
like "... committed" "$(cat "$F")" '^summary: 两户因滴水檐发生争执$'
ok "... and that file is left alone" test -f own.yaml
exits 0 "after that, fq edit works again" \
	env EDITOR="sed -i s/两户/五家/" fq edit -C repo "$ID"
like "... committed" "$(cat "$F")" '^summary: 五家因滴水檐发生争执$'
ok "... no kept file left" test ! -e "$KEEP"

# --- refused edits: 65, nothing committed ----------------------------------
N=$(commits repo)
cp "$F" f.before
exits 65 "changing the id is refused" env EDITOR="$ED/newid" fq edit -C repo "$ID"
like "... says the ID cannot change" "$(err)" 'ID cannot be changed'
like "... file:line:column (of the id, below its comments)" "$(err)" \
	"$ID\.yaml:$(grep -n '^id:' "$KEEP" | cut -d: -f1):[0-9]+: "
is "... nothing committed" "$(commits repo)" "$N"
is "... file unchanged" "$(cat "$F")" "$(cat f.before)"
ok "... no file for the new id" test ! -e repo/cases/2024/03/QSZ-2024-000002.yaml
rm -f "$KEEP"

exits 65 "deleting an earlier event is refused" \
	env EDITOR="$ED/dropevent" fq edit -C repo "$ID"
like "... says the log is append-only" "$(err)" 'append-only'
is "... the kept edit lost the event" \
	"$(grep -c '^- at:' "$KEEP")" $(($(grep -c '^- at:' "$F") - 1))
is "... nothing committed" "$(commits repo)" "$N"
is "... file unchanged" "$(cat "$F")" "$(cat f.before)"
rm -f "$KEEP"

exits 65 "changing an earlier event is refused" \
	env EDITOR="$ED/changeevent" fq edit -C repo "$ID"
like "... append-only" "$(err)" 'append-only'
is "... nothing committed" "$(commits repo)" "$N"
rm -f "$KEEP"

# the lifecycle cannot be bypassed: status, outcome, closed_on
printf '#!/bin/sh\nsed -i "s/^status:.*/status: %s/" "$1"\n' mediating >ed/mediating
printf '#!/bin/sh\nsed -i "s/^status:.*/status: %s/" "$1"\n' archived >ed/archived
printf '#!/bin/sh\nsed -i "s/^status:.*/status: closed\\noutcome: settled_self\\nclosed_on: 2024-03-20/" "$1"\n' >ed/close
chmod +x ed/mediating ed/archived ed/close
exits 65 "changing the status is refused" env EDITOR="$ED/mediating" fq edit -C repo "$ID"
like "... names the step command" "$(err)" \
	"$ID\.yaml:[0-9]+:[0-9]+: status cannot be changed by fq edit \\(was accepted\\): use fq mediate"
like "... the edit is kept aside" "$(err)" "your edit is kept in .*\.git/fq/edit/$ID\.yaml"
ok "... kept" grep -q '^status: mediating' "$KEEP"
is "... nothing committed" "$(commits repo)" "$N"
is "... file unchanged" "$(cat "$F")" "$(cat f.before)"
rm -f "$KEEP"
exits 65 "closing by edit is refused" env EDITOR="$ED/close" fq edit -C repo "$ID"
like "... status: the step that closes" "$(err)" "status cannot be changed by fq edit \\(was accepted\\): use fq (reject|refuse|withdraw)"
like "... outcome" "$(err)" "outcome cannot be changed by fq edit \\(was absent\\)"
like "... closed_on" "$(err)" "closed_on cannot be changed by fq edit"
is "... nothing committed" "$(commits repo)" "$N"
is "... file unchanged" "$(cat "$F")" "$(cat f.before)"
rm -f "$KEEP"
exits 65 "a status no step reaches: refused" env EDITOR="$ED/archived" fq edit -C repo "$ID"
like "... points to the step commands" "$(err)" "status cannot be changed by fq edit \\(was accepted\\): use the lifecycle step commands"
rm -f "$KEEP"

exits 65 "an unknown category in the edit exits 65" \
	env EDITOR="$ED/badcat" fq edit -C repo "$ID"
L=$(grep -n '^category:' "$KEEP" | cut -d: -f1)
like "... with file:line:column" "$(err)" \
	"\.git/fq/edit/$ID\.yaml:$L:[0-9]+: .*nosuch_category"
is "... nothing committed" "$(commits repo)" "$N"
is "... file unchanged" "$(cat "$F")" "$(cat f.before)"
rm -f "$KEEP"

exits 65 "removing a required field is refused" \
	env EDITOR="sed -i /^summary:/d" fq edit -C repo "$ID"
like "... names the field" "$(err)" 'summary'
is "... nothing committed" "$(commits repo)" "$N"
rm -f "$KEEP"

cp f.before broken.yaml
echo 'bad: [' >>broken.yaml
exits 65 "--from a broken file exits 65" fq edit -C repo "$ID" --from broken.yaml
like "... named" "$(err)" 'broken\.yaml:[0-9]+:[0-9]+'
ok "... the file is kept" test -f broken.yaml
is "... nothing committed" "$(commits repo)" "$N"
clean "refused"

# --- usage and unknown cases ----------------------------------------------
exits 1 "an unknown case exits 1" env EDITOR=true fq edit -C repo QSZ-2024-000999
like "... names it" "$(err)" 'QSZ-2024-000999'
exits 2 "a bad ID exits 2" env EDITOR=true fq edit -C repo ../../x
exits 2 "no ID exits 2" env EDITOR=true fq edit -C repo
exits 1 "--from a missing file exits 1" fq edit -C repo "$ID" --from nosuch.yaml
is "nothing committed" "$(commits repo)" "$N"
exits 0 "fq check passes" fq check -C repo

done_testing
