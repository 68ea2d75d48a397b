# SPDX-License-Identifier: Apache-2.0
"""Issue 9, R2.6 and R4.2: logins against a real OpenLDAP slapd (Debian)
started here on loopback, over LDAPS and over StartTLS, its certificate
made by the test; accounts made at the first login with the profile of
their directory group; disabled, groupless and wrong-password logins
refused, lockout as for local accounts; a directory whose certificate is
not trusted is refused."""
import json
import os
import socket
import subprocess
import time

from harness import (ADMIN_PW, api_vault, cx, expect, free_port, main, ok,
                     Server, set_config, store_files_containing, TempDir,
                     test)
from tlsutil import make_ca, make_server_cert

BASE = "dc=example,dc=org"
PW = {"alice": "alice directory pw", "bob": "bob directory pw",
      "carol": "carol directory pw", "dave": "dave directory pw"}


def person(uid, given, sn, extra=""):
    return (f"dn: uid={uid},ou=people,{BASE}\nobjectClass: inetOrgPerson\n"
            f"uid: {uid}\ncn: {given} {sn}\ngivenName: {given}\nsn: {sn}\n"
            f"mail: {uid}@example.org\ntelephoneNumber: +49 30 5550{len(uid)}"
            f"{len(given)}{len(sn)}1\nuserPassword: {PW[uid]}\n{extra}\n")


TREE = (f"dn: {BASE}\nobjectClass: dcObject\nobjectClass: organization\n"
        f"o: Example\ndc: example\n\n"
        f"dn: ou=people,{BASE}\nobjectClass: organizationalUnit\nou: people\n\n"
        f"dn: ou=groups,{BASE}\nobjectClass: organizationalUnit\nou: groups\n\n"
        + person("alice", "Alice", "Agent")
        + person("bob", "Bob", "Boss")
        + person("carol", "Carol", "Nogroup")
        + person("dave", "Dave", "Gone", "employeeType: disabled\n")
        + f"dn: cn=agents,ou=groups,{BASE}\nobjectClass: groupOfNames\n"
        f"cn: agents\nmember: uid=alice,ou=people,{BASE}\n"
        f"member: uid=dave,ou=people,{BASE}\n\n"
        f"dn: cn=supervisors,ou=groups,{BASE}\nobjectClass: groupOfNames\n"
        f"cn: supervisors\nmember: uid=bob,ou=people,{BASE}\n\n")

GROUPS = (f"agent=cn=agents,ou=groups,{BASE}; "
          f"supervisor=cn=supervisors,ou=groups,{BASE}")


class Slapd:
    """slapd in the foreground on loopback: ldap:// (StartTLS) and
    ldaps://, with the test tree loaded by slapadd."""

    def __init__(self, tmp, ca, key, crt):
        self.tmp, self.port, self.sport = tmp, free_port(), free_port()
        db = os.path.join(tmp, "ldapdb")
        os.makedirs(db, exist_ok=True)
        self.conf = os.path.join(tmp, "slapd.conf")
        open(self.conf, "w").write(f'''
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
modulepath /usr/lib/ldap
moduleload back_mdb
pidfile {tmp}/slapd.pid
TLSCACertificateFile {ca}
TLSCertificateFile {crt}
TLSCertificateKeyFile {key}
database mdb
suffix "{BASE}"
rootdn "cn=admin,{BASE}"
rootpw admin-secret
directory {db}
access to attrs=userPassword by self =xw by anonymous auth by * none
access to * by users read by * none
''')
        ldif = os.path.join(tmp, "tree.ldif")
        open(ldif, "w").write(TREE)
        subprocess.run(["slapadd", "-f", self.conf, "-l", ldif], check=True,
                       capture_output=True)

    def __enter__(self):
        self.proc = subprocess.Popen(
            ["slapd", "-d", "0", "-f", self.conf, "-h",
             f"ldap://127.0.0.1:{self.port}/ ldaps://127.0.0.1:{self.sport}/"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        for _ in range(200):
            try:
                socket.create_connection(("127.0.0.1", self.sport),
                                         0.2).close()
                return self
            except OSError:
                if self.proc.poll() is not None:
                    raise AssertionError("slapd exited: " +
                                         self.proc.stdout.read().decode())
                time.sleep(0.05)
        raise AssertionError("slapd did not start")

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait(10)
        self.proc.stdout.close()


def login(s, name, pw):
    return s.call("POST", "/v1/sessions", {"name": name, "password": pw})


def audit(d, action):
    return [json.loads(l) for l in ok("audit", "list", "--data", d).out
            .splitlines() if f'"{action}"' in l]


def directory_tls(tmp, ip="127.0.0.1"):
    """The directory's CA and certificate, for the name localhost and
    (unless ip is None) the address 127.0.0.1, which the tests dial:
    libldap checks a "localhost" URL against the host's own name."""
    ca_key, ca = make_ca(tmp, "Directory CA")
    key, crt = make_server_cert(tmp, ca_key, ca, "localhost", ip=ip)
    return ca, key, crt


@test
def ldaps_direct_bind():
    """LDAPS, bind by DN template: accounts made at the first login with
    their group's profile and the directory's names (sealed); no group,
    wrong password refused; failures lock like local accounts; local
    accounts still log in"""
    with TempDir() as tmp:
        ca, key, crt = directory_tls(tmp)
        with Slapd(tmp, ca, key, crt) as dirsrv:
            d = api_vault(tmp, tls_client_ca=ca, lockout_failures=3,
                          ldap_url=f"ldaps://127.0.0.1:{dirsrv.sport}",
                          ldap_user_dn=f"uid=%s,ou=people,{BASE}",
                          ldap_groups=GROUPS)
            with Server(d) as s:
                st, _, doc = login(s, "alice", PW["alice"])
                expect(st == 201, f"{st} {doc}")
                st, _, me = s.call("GET", "/v1/session", token=doc["token"])
                expect(st == 200 and me["profile"] == "agent", me)
                st, _, doc = login(s, "bob", PW["bob"])
                expect(st == 201, doc)
                st, _, me = s.call("GET", "/v1/session", token=doc["token"])
                expect(me["profile"] == "supervisor", me)
                st, _, doc = login(s, "carol", PW["carol"])
                expect(st == 403 and doc["error"]["code"] ==
                       "login_refused", f"{st} {doc}")
                for _ in range(3):
                    st, _, doc = login(s, "alice", "not her password")
                    expect(st == 401, f"{st} {doc}")
                st, _, doc = login(s, "alice", PW["alice"])
                expect(st == 429, f"locked: {st} {doc}")
                st, _, doc = login(s, "nobody", "whatever pw")
                expect(st == 401, doc)
                st, _, doc = login(s, "alice)(uid=*", "x")
                expect(st == 401, doc)
                st, _, doc = login(s, "root", ADMIN_PW)
                expect(st == 201, f"local login: {st} {doc}")
            users = [json.loads(l) for l in
                     ok("user", "list", "--data", d).out.splitlines()]
            remote = sorted(u["kind"] for u in users)
            expect(remote == ["local", "remote", "remote"], users)
            shown = json.loads(ok("user", "show", "--data", d, "alice").out)
            expect(shown["first_name"] == "Alice" and
                   shown["email"] == "alice@example.org", shown)
            expect(store_files_containing(d, [b"Alice", b"alice@example.org"])
                   == [], "directory names stored in clear")
            reasons = [e["fields"] for e in audit(d, "auth.refused")]
            expect(any("no_group" in r for r in reasons), reasons)
            expect(len(audit(d, "auth.failure")) >= 4, "failures audited")


@test
def starttls_search_and_bind():
    """ldap:// with StartTLS, the user found by a service account's
    search: an account the filter leaves out (disabled) is refused, a
    group change moves the profile at the next login"""
    with TempDir() as tmp:
        ca, key, crt = directory_tls(tmp)
        pwfile = os.path.join(tmp, "bind.pw")
        open(pwfile, "w").write("admin-secret\n")
        os.chmod(pwfile, 0o600)
        with Slapd(tmp, ca, key, crt) as dirsrv:
            d = api_vault(
                tmp, tls_client_ca=ca,
                ldap_url=f"ldap://127.0.0.1:{dirsrv.port}",
                ldap_base=f"ou=people,{BASE}",
                ldap_filter="(&(uid=%s)(!(employeeType=disabled)))",
                ldap_bind_dn=f"cn=admin,{BASE}",
                ldap_bind_password_file=pwfile, ldap_groups=GROUPS)
            with Server(d) as s:
                st, _, doc = login(s, "alice", PW["alice"])
                expect(st == 201, f"{st} {doc}")
                s.call("DELETE", "/v1/session", token=doc["token"])
                st, _, doc = login(s, "dave", PW["dave"])
                expect(st == 401, f"disabled: {st} {doc}")
                env = dict(os.environ, LDAPTLS_CACERT=ca)
                mod = (f"dn: cn=agents,ou=groups,{BASE}\nchangetype: modify\n"
                       f"delete: member\nmember: uid=alice,ou=people,{BASE}\n\n"
                       f"dn: cn=supervisors,ou=groups,{BASE}\nchangetype: "
                       f"modify\nadd: member\nmember: uid=alice,ou=people,"
                       f"{BASE}\n")
                subprocess.run(["ldapmodify", "-ZZ", "-H",
                                f"ldap://127.0.0.1:{dirsrv.port}", "-D",
                                f"cn=admin,{BASE}", "-w", "admin-secret"],
                               input=mod.encode(), env=env, check=True,
                               capture_output=True)
                st, _, doc = login(s, "alice", PW["alice"])
                expect(st == 201, doc)
                st, _, me = s.call("GET", "/v1/session", token=doc["token"])
                expect(me["profile"] == "supervisor", me)
            users = ok("user", "list", "--data", d).out
            expect(users.count('"remote"') == 1, users)
            expect(audit(d, "auth.grant"), "profile change audited")


@test
def untrusted_directory_refused():
    """A directory whose certificate does not chain to tls_client_ca, or
    does not name the host dialled, gets no password: 503"""
    with TempDir() as tmp:
        # A certificate for localhost only, dialled as 127.0.0.1.
        ca, key, crt = directory_tls(tmp, ip=None)
        _, other = make_ca(tmp, "Other CA")
        with Slapd(tmp, ca, key, crt) as dirsrv:
            for url, trust in ((f"ldaps://127.0.0.1:{dirsrv.sport}", other),
                               (f"ldap://127.0.0.1:{dirsrv.port}", other),
                               (f"ldaps://127.0.0.1:{dirsrv.sport}", ca)):
                d = api_vault(tmp, tls_client_ca=trust, ldap_url=url,
                              ldap_user_dn=f"uid=%s,ou=people,{BASE}",
                              ldap_groups=GROUPS)
                with Server(d) as s:
                    st, _, doc = login(s, "alice", PW["alice"])
                    expect(st == 503 and doc["error"]["code"] ==
                           "directory_unavailable", f"{url}: {st} {doc}")
                log = open(os.path.join(d, "logs", "cxvault.log")).read()
                expect("event=ldap.error" in log and PW["alice"] not in log,
                       log[-1500:])
                import shutil
                shutil.rmtree(d)


@test
def bad_directory_settings():
    """The server refuses to start with directory settings it cannot
    use, and says which"""
    with TempDir() as tmp:
        d = api_vault(tmp)
        for keys, needle in (
                ({"ldap_url": "http://dc.example.org"}, "ldap_url must be"),
                ({"ldap_url": "ldaps://dc", "ldap_user_dn": "uid=%s,%s"},
                 "one %s"),
                ({"ldap_url": "ldaps://dc", "ldap_user_dn": "uid=%s,o=x"},
                 "ldap_groups"),
                ({"ldap_url": "ldaps://dc", "ldap_base": "o=x",
                  "ldap_groups": "agent=cn=a", "ldap_bind_dn": "cn=svc"},
                 "ldap_bind_password_file")):
            set_config(d, ldap_url="", ldap_user_dn="", ldap_base="",
                       ldap_groups="", ldap_bind_dn="")
            set_config(d, **keys)
            r = cx("serve", "--data", d, "--listen",
                   f"127.0.0.1:{free_port()}", timeout=30)
            expect(r.rc == 1 and needle in r.err, f"{keys}: {r}")


if __name__ == "__main__":
    main()
