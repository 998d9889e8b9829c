#!/usr/bin/env python3
"""Write the client folder trees under testdata/trees: real irssi, WeeChat,
ZNC, HexChat and Limnoria, with their default log settings, log a scripted
scene on a local ngIRCd: two channels (#chan and #Other), a query and a
notice to each logger, a relay bot's lines; then their whole log folders are
copied, as they wrote them, to OUT/<client>/.

Usage: python3 gen.py OUT   (run from anywhere; takes about a minute)

Needs the Debian packages: ngircd irssi weechat-headless znc limnoria
hexchat xvfb xauth tmux. Installs nothing; run as any user (supybot gets
--allow-root when run as root). Settings changed from the defaults decide
only where and when the programs write: log folders inside a temporary
directory, WeeChat's flush delay, Limnoria's flushImmediately, HexChat's
irc_logging (off by default: on, as anyone who keeps logs sets it).
"""

import hashlib, os, shutil, signal, socket, subprocess, sys, tempfile, time

HOST = "127.0.0.1"
NET = "testnet"
CHANS = ["#chan", "#Other"]
LOGGERS = ["irssilog", "weelog", "znclog", "hexlog", "limlog"]


def free_port():
    s = socket.socket()
    s.bind((HOST, 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Client:
    def __init__(self, port, nick):
        self.nick = nick
        self.sock = socket.create_connection((HOST, port))
        self.buf = b""
        self.lines = []
        self.send("NICK " + nick)
        self.send("USER %s 0 * :%s" % (nick, nick))
        self.wait(lambda l: " 001 " in l)

    def send(self, line):
        self.sock.sendall((line + "\r\n").encode())

    def wait(self, pred, timeout=60):
        end = time.time() + timeout
        while time.time() < end:
            for i, l in enumerate(self.lines):
                if pred(l):
                    del self.lines[: i + 1]
                    return l
            self.sock.settimeout(max(0.05, end - time.time()))
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                continue
            if not data:
                raise SystemExit("%s: connection closed" % self.nick)
            self.buf += data
            while b"\r\n" in self.buf:
                l, self.buf = self.buf.split(b"\r\n", 1)
                l = l.decode("utf-8", "replace")
                if l.startswith("PING"):
                    self.send("PONG" + l[4:])
                    continue
                self.lines.append(l)
        raise SystemExit("%s: timed out waiting" % self.nick)

    def sync(self):
        """Wait until the server has handled everything sent so far."""
        tok = "sync%f" % time.time()
        self.send("PING :" + tok)
        self.wait(lambda l: "PONG" in l and tok in l)


def write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)


def main(out):
    work = tempfile.mkdtemp(prefix="trees-")
    os.chmod(work, 0o755)  # HexChat runs as nobody when this runs as root
    env = dict(os.environ, TZ="UTC", HOME=work, LANG="C.UTF-8", LC_ALL="C.UTF-8")
    procs = []
    port = free_port()
    write(os.path.join(work, "ngircd.conf"), """[Global]
	Name = irc.test.example
	Info = proceedings test server
	Network = %s
	AdminInfo1 = x
	AdminInfo2 = x
	AdminEMail = x@example.org
	Listen = %s
	Ports = %d
	MotdPhrase = Test server of proceedings: this MOTD line is no channel's.
[Limits]
	MaxConnections = 0
	MaxConnectionsIP = 0
	MaxJoins = 0
	MaxPenaltyTime = 0
[Options]
	DNS = no
	Ident = no
	PAM = no
""" % (NET, HOST, port))
    srv = subprocess.Popen(["ngircd", "-n", "-f", os.path.join(work, "ngircd.conf")],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    for _ in range(200):
        try:
            socket.create_connection((HOST, port)).close()
            break
        except OSError:
            time.sleep(0.05)

    alice = Client(port, "alice")
    for c in CHANS:
        alice.send("JOIN " + c)
        alice.send("TOPIC %s :the topic of %s before the loggers came" % (c, c))
    alice.sync()
    watcher = Client(port, "watcher")
    for c in CHANS:
        watcher.send("JOIN " + c)
    watcher.sync()

    # irssi: autolog on, default autolog_path under its home.
    ih = os.path.join(work, "irssi")
    write(os.path.join(ih, ".irssi", "config"), """servers = (
  { address = "%s"; chatnet = "%s"; port = "%d"; use_tls = "no"; autoconnect = "yes"; }
);
chatnets = { %s = { type = "IRC"; }; };
channels = ( { name = "#chan"; chatnet = "%s"; autojoin = "yes"; }, { name = "#Other"; chatnet = "%s"; autojoin = "yes"; } );
settings = {
  core = { real_name = "irssi logger"; user_name = "irssilog"; nick = "irssilog"; };
  "fe-common/core" = { autolog = "yes"; autolog_path = "%s/irclogs/$tag/$0.log"; };
};
""" % (HOST, NET, port, NET, NET, NET, ih))
    subprocess.run(["tmux", "-L", "trees", "new-session", "-d", "-s", "irssi", "-x", "200", "-y", "50",
                    "env TZ=UTC HOME=%s irssi --home=%s" % (ih, os.path.join(ih, ".irssi"))], check=True, env=env)

    # WeeChat: logger defaults ($plugin.$name.weechatlog), flush at once.
    wd = os.path.join(work, "weechat")
    cmds = ";".join([
        "/set logger.file.flush_delay 0",
        "/server add %s %s/%d -notls -nicks=weelog -username=weelog -realname=weechat_logger -autojoin=#chan,#Other" % (NET, HOST, port),
        "/connect " + NET,
    ])
    procs.append(("weechat", subprocess.Popen(["weechat-headless", "--dir", wd, "--run-command", cmds],
                                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)))

    # ZNC: the log module as a network module, its default path.
    zd = os.path.join(work, "znc")
    salt = "treesalt"
    digest = hashlib.sha256(("trees" + salt).encode()).hexdigest()
    write(os.path.join(zd, "configs", "znc.conf"), """Version = 1.8.2
ConnectDelay = 0
ServerThrottle = 0
<Listener l>
	Port = %d
	IPv4 = true
	IPv6 = false
	SSL = false
	Host = %s
</Listener>
<User znclog>
	Pass = sha256#%s#%s#
	Admin = true
	Nick = znclog
	AltNick = znclog_
	Ident = znclog
	RealName = ZNC logger
	<Network %s>
		LoadModule = log
		Server = %s %d
		<Chan #chan>
		</Chan>
		<Chan #Other>
		</Chan>
	</Network>
</User>
""" % (free_port(), HOST, digest, salt, NET, HOST, port), 0o600)
    root = ["--allow-root"] if os.geteuid() == 0 else []
    procs.append(("znc", subprocess.Popen(["znc", "--datadir", zd, "--foreground"] + root,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)))

    # HexChat: logging on (irc_logging), default log mask %n/%c.log.
    hd = os.path.join(work, "hexchat")
    write(os.path.join(hd, "hexchat.conf"), """version = 2.16.1
irc_logging = 1
irc_nick1 = hexlog
irc_nick2 = hexlog_
irc_nick3 = hexlog__
irc_user_name = hexlog
irc_real_name = hexchat logger
gui_slist_skip = 1
gui_join_dialog = 0
irc_join_delay = 0
""")
    write(os.path.join(hd, "servlist.conf"), """v=2.16.1

N=%s
I=hexlog
i=hexlog_
U=hexlog
R=hexchat logger
F=9
D=0
S=%s/%d
J=#chan
J=#Other

""" % (NET, HOST, port))
    # HexChat waits for a click on its warning when run as root: run it as
    # nobody then.
    hexchat = ["xvfb-run", "-a", "hexchat", "-d", hd, "-n"]
    if os.geteuid() == 0:
        subprocess.run(["chown", "-R", "nobody:nogroup", hd], check=True)
        hexchat = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"] + hexchat
    procs.append(("hexchat", subprocess.Popen(hexchat, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                              env=dict(env, HOME=hd), start_new_session=True)))

    # Limnoria: ChannelLogger with its defaults (directories on, no rotation).
    ld = os.path.join(work, "limnoria")
    conf = "\n".join("%s: %s" % kv for kv in [
        ("supybot.nick", "limlog"), ("supybot.ident", "limlog"), ("supybot.user", "Limnoria limlog"),
        ("supybot.networks", NET), ("supybot.networks.%s.servers" % NET, "%s:%d" % (HOST, port)),
        ("supybot.networks.%s.channels" % NET, "#chan #Other"), ("supybot.networks.%s.ssl" % NET, "False"),
        ("supybot.directories.conf", os.path.join(ld, "conf")), ("supybot.directories.data", os.path.join(ld, "data")),
        ("supybot.directories.data.tmp", os.path.join(ld, "data", "tmp")),
        ("supybot.directories.data.web", os.path.join(ld, "data", "web")),
        ("supybot.directories.backup", os.path.join(ld, "backup")), ("supybot.directories.log", os.path.join(ld, "logs")),
        ("supybot.plugins", "ChannelLogger"), ("supybot.plugins.ChannelLogger", "True"),
        ("supybot.plugins.ChannelLogger.flushImmediately", "True"),
    ]) + "\n"
    write(os.path.join(ld, "limlog.conf"), conf)
    args = ["supybot"] + (["--allow-root"] if os.geteuid() == 0 else []) + [os.path.join(ld, "limlog.conf")]
    procs.append(("limnoria", subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ld)))

    # Wait for every logger in both channels.
    waiting = {(n, c.lower()) for n in LOGGERS for c in CHANS}
    end = time.time() + 120
    while waiting:
        if time.time() > end:
            raise SystemExit("loggers did not join: %s" % sorted(waiting))
        try:
            l = watcher.wait(lambda l: " JOIN " in l, timeout=end - time.time())
        except SystemExit:
            raise SystemExit("loggers did not join: %s (work: %s)" % (sorted(waiting), work))
        nick = l[1:].split("!", 1)[0]
        chan = l.split(" JOIN ", 1)[1].lstrip(":").lower()
        waiting.discard((nick, chan))
    time.sleep(2)  # let them finish their joins (names, topic, modes)

    # The scene.
    bob = Client(port, "bob")
    carol = Client(port, "carol")
    bridge = Client(port, "bridge")
    for c in CHANS:
        for x in (bob, carol, bridge):
            x.send("JOIN " + c)
    for x in (bob, carol, bridge):
        x.sync()
    for c in CHANS:
        alice.send("PRIVMSG %s :hello %s, a plain message" % (c, c))
        bob.send("PRIVMSG %s :bob in %s: UTF-8 — naïve café, 日本語" % (c, c))
        carol.send("PRIVMSG %s :\x01ACTION waves in %s\x01" % (c, c))
        carol.send("NOTICE %s :a notice to %s" % (c, c))
        bridge.send("PRIVMSG %s :<Ewan> relayed from the bridge into %s" % (c, c))
        bridge.send("PRIVMSG %s :\x0303<Mairi>\x03 a coloured relayed nick in %s" % (c, c))
        alice.send("MODE %s +v bob" % c)
        alice.send("TOPIC %s :a new topic of %s" % (c, c))
    for x in (alice, bob, carol, bridge):
        x.sync()
    carol.send("PART #Other :off to #chan only")
    carol.send("NICK caroline")
    carol.sync()
    # What is no channel's: a query and a notice to each logger.
    for n in LOGGERS:
        bob.send("PRIVMSG %s :hi %s, this private line is no channel's" % (n, n))
        alice.send("NOTICE %s :a private notice to %s, no channel's either" % (n, n))
    bob.sync()
    alice.sync()
    for c in CHANS:
        alice.send("PRIVMSG %s :the end of the scene in %s" % (c, c))
    alice.sync()
    time.sleep(5)  # every program writes what it got

    # Stop the server first: the programs log a lost connection, not the
    # others' quits; then stop them.
    srv.terminate()
    srv.wait()
    time.sleep(2)
    subprocess.run(["tmux", "-L", "trees", "send-keys", "-t", "irssi", "/quit", "Enter"], env=env)
    for name, p in procs:
        if name == "hexchat":
            os.killpg(p.pid, signal.SIGTERM)
        else:
            p.terminate()
    for name, p in procs:
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()
    time.sleep(1)
    subprocess.run(["tmux", "-L", "trees", "kill-server"], env=env)

    copies = {
        "irssi": (os.path.join(ih, "irclogs"), "irclogs"),
        "weechat": (os.path.join(wd, "logs"), "logs"),
        "znc": (os.path.join(zd, "users"), "users"),
        "hexchat": (os.path.join(hd, "logs"), "logs"),
        "limnoria": (os.path.join(ld, "logs", "ChannelLogger"), "ChannelLogger"),
    }
    for name, (src, dst) in copies.items():
        target = os.path.join(out, name, dst)
        shutil.rmtree(os.path.join(out, name), ignore_errors=True)
        if name == "znc":
            # Only the log module's files, not ZNC's other user data.
            for root, dirs, files in os.walk(src):
                for f in files:
                    path = os.path.join(root, f)
                    rel = os.path.relpath(path, src)
                    if "/moddata/log/" in "/" + rel:
                        os.makedirs(os.path.dirname(os.path.join(target, rel)), exist_ok=True)
                        shutil.copy2(path, os.path.join(target, rel))
        else:
            shutil.copytree(src, target)
        print("trees: %s -> %s" % (src, target))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    main(sys.argv[1])
