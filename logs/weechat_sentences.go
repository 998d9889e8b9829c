package logs

import (
	"strings"
	"unicode/utf8"
)

// WeeChat writes the sentences of its irc plugin in the user's language
// (LANG); only the columns and the prefixes are the same everywhere. The
// table below holds every sentence of a kind the reader needs, in every
// language WeeChat has shipped, as WeeChat 0.3.0 to 4.9 write them: taken
// from po/*.po of each release (github.com/weechat/weechat), with the colour
// arguments left out and the text arguments named. Entries marked fuzzy
// are left out, since WeeChat shows the English text for them (that is why
// Russian and Hungarian logs read in English).
//
// Slots: {who} the nick with what WeeChat writes after it ("[account]",
// "(real name)", "(user@host)"), {nick} and {target} one nick each, {chan}
// a channel, {reason}, {old} and {text} free text, {modes} the modes of a
// "[…]", {*} anything. A space in a sentence stands for one or more spaces
// (or no-break spaces, as French writes before a colon).
const weechatSentenceTable = `
join	{who} a rejoint {chan}
join	{who} entrou em {chan}
join	{who} entrou {chan}
join	{who} has joined {chan}
join	{who} hat den Channel {chan} betreten
join	{who} hat den Kanal {chan} betreten
join	{who} ist in den Channel {chan} eingetreten
join	{who} ist in den Channel {chan} gekommen
join	{who} ist in den {chan} Channel eingetreten
join	{who} juntou-se a {chan}
join	{who} katıldı {chan}
join	{who} se ha unido a {chan}
join	{who} se připojil {chan}
join	{who} wszedł na {chan}
join	{who} è entrato in {chan}
join	{who} је приступио у {chan}
join	{who} が {chan} に参加
join	{who}, {chan} kanalına katıldı
part	{who} a quitté {chan}
part	{who} a quitté {chan} ({reason})
part	{who} ha abandonado {chan}
part	{who} ha abandonado {chan} ({reason})
part	{who} has left {chan}
part	{who} has left {chan} ({reason})
part	{who} opustil {chan}
part	{who} opustil {chan} ({reason})
part	{who} opuścił {chan}
part	{who} opuścił {chan} ({reason})
part	{who} saiu {chan}
part	{who} saiu {chan} ({reason})
part	{who} terk etti {chan}
part	{who} terk etti {chan} ({reason})
part	{who} verließ {chan}
part	{who} verließ {chan} ({reason})
part	{who} verlässt {chan}
part	{who} verlässt {chan} ({reason})
part	{who} è uscito da {chan}
part	{who} è uscito da {chan} ({reason})
part	{who} је напустио {chan}
part	{who} је напустио {chan} ({reason})
part	{who} が {chan} から退出
part	{who} が {chan} から退出 ({reason})
part	{who}, {chan} kanalından ayrıldı
part	{who}, {chan} kanalından ayrıldı ({reason})
quit	{who} a quitté
quit	{who} a quitté ({reason})
quit	{who} ha salido
quit	{who} ha salido ({reason})
quit	{who} has quit
quit	{who} has quit ({reason})
quit	{who} hat das IRC verlassen
quit	{who} hat das IRC verlassen ({reason})
quit	{who} hat den IRC verlassen
quit	{who} hat den IRC verlassen ({reason})
quit	{who} saiu
quit	{who} saiu ({reason})
quit	{who} si è disconnesso
quit	{who} si è disconnesso ({reason})
quit	{who} skončil
quit	{who} skončil ({reason})
quit	{who} wyszedł z IRC
quit	{who} wyszedł z IRC ({reason})
quit	{who} çıktı
quit	{who} çıktı ({reason})
quit	{who} је прекинуо
quit	{who} је прекинуо ({reason})
quit	{who} が終了
quit	{who} が終了 ({reason})
quit	{who}, çıktı
quit	{who}, çıktı ({reason})
kick	{nick} a expulsé {target}
kick	{nick} a expulsé {target} ({reason})
kick	{nick} a éjecté {target}
kick	{nick} a éjecté {target} ({reason})
kick	{nick} byl vykopnut {target}
kick	{nick} byl vykopnut {target} ({reason})
kick	{nick} chutou {target}
kick	{nick} chutou {target} ({reason})
kick	{nick} expulsou {target}
kick	{nick} expulsou {target} ({reason})
kick	{nick} foi chutado {target}
kick	{nick} foi chutado {target} ({reason})
kick	{nick} ha cacciato {target}
kick	{nick} ha cacciato {target} ({reason})
kick	{nick} ha expulsado {target}
kick	{nick} ha expulsado {target} ({reason})
kick	{nick} has kicked {target}
kick	{nick} has kicked {target} ({reason})
kick	{nick} hat {target} aus ({reason}) gekickt
kick	{nick} hat {target} gekickt
kick	{nick} hat {target} gekickt ({reason})
kick	{nick} vykopnul {target}
kick	{nick} vykopnul {target} ({reason})
kick	{nick} wykopał {target}
kick	{nick} wykopał {target} ({reason})
kick	{nick} је избацио {target}
kick	{nick} је избацио {target} ({reason})
kick	{nick} が {target} をキック
kick	{nick} が {target} をキック ({reason})
kick	{nick}, {target} kullanıcısını kovdu
kick	{nick}, {target} kullanıcısını kovdu ({reason})
nick	{nick} agora é conhecido como {target}
nick	{nick} agora é conhecido por {target}
nick	{nick} es conocido ahora como {target}
nick	{nick} est maintenant connu sous le nom {target}
nick	{nick} is now known as {target}
nick	{nick} ist nun als {target} bekannt
nick	{nick} je nyní známý jako {target}
nick	{nick} ora è conosciuto come {target}
nick	{nick} zmienił nick na {target}
nick	{nick} şimdi {target} olarak biliniyor
nick	{nick} şimdi {target} olarak biliniyormode
nick	{nick} је сада познат као {target}
nick	{nick} のニックネームが変更され {target} になりました
nick	{nick}, artık {target} olarak biliniyor
selfnick	Agora é conhecido por {target}
selfnick	Artık {target} olarak biliniyorsunuz
selfnick	Du bist nun als {target} bekannt
selfnick	Eres conocido ahora como {target}
selfnick	Jesteś od teraz {target}
selfnick	Jste nyní známý jako {target}
selfnick	Nyní známý jako {target}
selfnick	Ora sei conosciuto come {target}
selfnick	Sie sind nun als {target} bekannt
selfnick	Twój nowy nick to {target}
selfnick	Você agora é conhecido como {target}
selfnick	Vous êtes maintenant connu sous le nom {target}
selfnick	You are now known as {target}
selfnick	Од сада сте познати као {target}
selfnick	あなたのニックネームが変更され {target} になりました
topicfrom	{nick} a changé le titre pour {chan} de "{old}" en "{text}"
topicfrom	{nick} ha cambiado el tema para {chan} de "{old}" a "{text}"
topicfrom	{nick} ha cambiato l'argomento per {chan} da "{old}" a "{text}"
topicfrom	{nick} has changed topic for {chan} from "{old}" to "{text}"
topicfrom	{nick} hat das Thema für den Channel {chan} von "{old}" auf "{text}" geändert
topicfrom	{nick} hat das Thema für den Channel {chan} von "{old}" auf "{text}" geändert.
topicfrom	{nick} hat das Thema für den Kanal {chan} von "{old}" auf "{text}" geändert
topicfrom	{nick} mudou o tópico de {chan} de "{old}" para "{text}"
topicfrom	{nick} mudou o tópico do canal {chan} de "{old}" para "{text}"
topicfrom	{nick} zmienił temat {chan} z "{old}" na "{text}"
topicfrom	{nick} změnil téma pro {chan} z "{old}" na "{text}"
topicfrom	{nick} је променио тему за канал {chan} од „{old}” на „{text}”
topicfrom	{nick} が {chan} のトピックを変更し、"{old}" から "{text}" になりました
topicfrom	{nick}, {chan} için mevcut "{old}" konusunu "{text}" olarak değiştirdi
topic	{nick} a changé le titre pour {chan} en "{text}"
topic	{nick} ha cambiado el tema para {chan} a "{text}"
topic	{nick} ha cambiato argomento per {chan} in "{text}"
topic	{nick} has changed topic for {chan} to "{text}"
topic	{nick} hat das Thema für den Channel {chan} auf "{text}" gesetzt
topic	{nick} hat das Thema für den Channel {chan} auf "{text}" gesetzt.
topic	{nick} hat das Thema für den Kanal {chan} auf "{text}" gesetzt
topic	{nick} mudou o tópico de {chan} para "{text}"
topic	{nick} mudou o tópico do canal {chan} para "{text}"
topic	{nick} zmienił temat kanału {chan} na "{text}"
topic	{nick} změnil téma pro {chan} na "{text}"
topic	{nick} је променио тему за канал {chan} на „{text}”
topic	{nick} が {chan} のトピックを変更、"{text}" になりました
topic	{nick}, {chan} için konuyu "{text}" olarak değiştirdi
unset	{nick} a retiré le titre pour {chan}
unset	{nick} a retiré le titre pour {chan} (ancien titre : "{old}")
unset	{nick} a retiré le titre pour {chan} (ancien titre: "{old}")
unset	{nick} ha borrado el tema para {chan}
unset	{nick} ha borrado el tema para {chan} (tema anterior: "{old}")
unset	{nick} ha rimosso l'argomento per {chan}
unset	{nick} ha rimosso l'argomento per {chan} (argomento precedente: "{old}")
unset	{nick} has unset topic for {chan}
unset	{nick} has unset topic for {chan} (old topic: "{old}")
unset	{nick} hat das Thema für {chan} zurückgesetzt (altes Thema: "{old}")
unset	{nick} hat das Thema von {chan} entfernt
unset	{nick} hat das Topic von {chan} entfernt
unset	{nick} limpou o tópico do canal {chan}
unset	{nick} limpou o tópico do canal {chan} (tópico antigo: "{old}")
unset	{nick} retirou o tópico de {chan}
unset	{nick} retirou o tópico de {chan} (tópico antigo: "{old}")
unset	{nick} skasował temat dla {chan} (stary temat: "{old}")
unset	{nick} usunął temat {chan}
unset	{nick} zrušil téma pro {chan}
unset	{nick} zrušil téma pro {chan} (staré téma: "{old}")
unset	{nick} је обрисао тему за канал {chan}
unset	{nick} је обрисао тему за канал {chan} (стара тема: „{old}”)
unset	{nick} が {chan} のトピックを削除
unset	{nick} が {chan} のトピックを削除 (古いトピック: "{old}")
unset	{nick}, {chan} için konuyu kaldırdı
unset	{nick}, {chan} için konuyu kaldırdı (eski konu: "{old}")
topicis	Das Thema von {chan} lautet: "{text}"
topicis	Le titre pour {chan} est "{text}"
topicis	O tópico de {chan} é "{text}"
topicis	Temat kanału {chan} to "{text}"
topicis	Topic for {chan} is "{text}"
topicis	Topic para {chan} é "{text}"
topicis	{chan} konusu "{text}"
topicis	{chan} konusu: "{text}"
topicis	{chan} のトピックは "{text}" です
topicis	Тема за {chan} је „{text}”
mode	Modalità {chan} [{modes}] da {nick}
mode	Mode {chan} [{modes}] by {nick}
mode	Mode {chan} [{modes}] par {nick}
mode	Modo {chan} [{modes}] por {nick}
mode	Modus {chan} [{modes}] durch {nick}
mode	Mód {chan} [{modes}] od {nick}
mode	Tryb {chan} [{modes}] ustawiony przez {nick}
mode	{chan} [{modes}} kipi ayarlandı: {nick}
mode	{nick} がモードを変更 {chan} [{modes}]
mode	Режим {chan} [{modes}] поставио {nick}
mode	モード {chan} [{modes}] by {nick}
modeis	Kip {chan} [{modes}]
modeis	Modalità {chan} [{modes}]
modeis	Mode {chan} [{modes}]
modeis	Modo {chan} [{modes}]
modeis	Modus {chan} [{modes}]
modeis	Mód {chan} [{modes}]
modeis	Tryb {chan} [{modes}]
modeis	Режим {chan} [{modes}]
modeis	モード {chan} [{modes}]
noise-names	Canal {*} : {*}({*})
noise-names	Canal {*}: {*}({*})
noise-names	Canal {*}: {*}({*}, {*}, {*}, {*})
noise-names	Canale {*}: {*}({*})
noise-names	Canale {*}: {*}({*}, {*}, {*}, {*})
noise-names	Channel {*}: {*}({*})
noise-names	Channel {*}: {*}({*}, {*}, {*}, {*})
noise-names	Kanal {*}: {*}({*})
noise-names	Kanał {*}: {*}({*})
noise-names	Kanał {*}: {*}({*}, {*}, {*}, {*})
noise-names	Kanál {*}: {*}({*}, {*}, {*}, {*})
noise-names	Канал {*}: {*}({*})
noise-names	チャンネル {*}: {*}({*})
noise-names	チャンネル {*}: {*}({*}, {*}, {*}, {*})
noise-info	Apelidos {*}: {*}[{*}]
noise-info	Apelidos: {*}: {*}[{*}]
noise-info	Apodos {*}: {*}[{*}]
noise-info	Argomento impostato da {*} il {*}
noise-info	Argomento impostato il {*}
noise-info	Argomento per {*} impostato da {*} il {*}
noise-info	Argomento per {*} impostato il {*}
noise-info	Brak tematu dla kanału {*}
noise-info	Canal creado el {*}
noise-info	Canal criado a {*}
noise-info	Canal criado em {*}
noise-info	Canal créé le {*}
noise-info	Canal {*} creado en {*}
noise-info	Canal {*} criado a {*}
noise-info	Canal {*} criado em {*}
noise-info	Canal {*} créé le {*}
noise-info	Canale creato il {*}
noise-info	Canale creato {*}
noise-info	Canale {*} creato il {*}
noise-info	Canale {*} creato {*}
noise-info	Channel created on {*}
noise-info	Channel erstellt am {*}
noise-info	Channel {*} created on {*}
noise-info	Channel {*} erstellt am {*}
noise-info	Das Thema von {*} wurde festgelegt am: {*}
noise-info	Das Topic von {*} wurde festgelegt am: {*}
noise-info	Kanal erstellt am {*}
noise-info	Kanal {*} erstellt am {*}
noise-info	Kanal {*} tarihinde oluşturuldu
noise-info	Kanal, {*} tarihinde oluşturuldu
noise-info	Kanał utworzony {*}
noise-info	Kanał {*} utworzono {*}
noise-info	Kanál vytvořen v {*}
noise-info	Kanál {*} vytvořen v {*}
noise-info	Kein Thema für {*} gesetzt
noise-info	Kein Topic für {*} gesetzt
noise-info	Kein Topic gesetzt für {*}
noise-info	Konu {*} tarafından {*} tarihinde ayarlandı
noise-info	Konu {*} tarihinde ayarlandı
noise-info	Nenhum tópico definido para o canal {*}
noise-info	Není nastaveno téma pro kanál {*}
noise-info	Nessun argomento impostato per il canale {*}
noise-info	Nick {*}: {*}[{*}]
noise-info	Nicki {*}: {*}[{*}]
noise-info	Nicks {*}: {*}[{*}]
noise-info	No hay tema establecido para el canal {*}
noise-info	No topic set for channel {*}
noise-info	Pas de titre défini pour le canal {*}
noise-info	Pseudos {*} : {*}[{*}]
noise-info	Pseudos {*}: {*}[{*}]
noise-info	Přezdívka {*}: {*}[{*}]
noise-info	Rumuzlar {*}: {*}[{*}]
noise-info	Takma adlar {*}: {*}[{*}]
noise-info	Tema establecido el{*}
noise-info	Tema establecido por {*} el {*}
noise-info	Tema para {*} establecido el {*}
noise-info	Tema para {*} establecido por {*} el {*}
noise-info	Temat kanału {*} to {*}
noise-info	Temat kanału {*} ustawiony przez {*} dnia {*}
noise-info	Temat ustawiony na {*}
noise-info	Temat ustawiony przez {*} dnia {*}
noise-info	Temat ustawiony przez {*} w {*}
noise-info	Thema festgelegt am {*}
noise-info	Thema für {*} festgelegt von {*} am {*}
noise-info	Thema wurde festgelegt von {*} am {*}
noise-info	Titre défini le {*}
noise-info	Titre défini par {*} le {*}
noise-info	Titre pour {*} défini le {*}
noise-info	Titre pour {*} défini par {*} le {*}
noise-info	Topic festgelegt am {*}
noise-info	Topic festgelegt von {*} am {*}
noise-info	Topic for {*} set by {*} on {*}
noise-info	Topic for {*} set on {*}
noise-info	Topic für {*} festgelegt von {*} am {*}
noise-info	Topic für {*} gesetzt von {*}, {*}
noise-info	Topic gesetzt von {*}, {*}
noise-info	Topic set by {*} on {*}
noise-info	Topic set on {*}
noise-info	Téma nastaveno {*}
noise-info	Téma nastavil {*} v {*}
noise-info	Téma nasteveno {*}
noise-info	Téma nastevil {*} v {*}
noise-info	Téma pro {*} nastaveno {*}
noise-info	Téma pro {*} nastavil {*} v {*}
noise-info	Téma pro {*} nastevil {*} v {*}
noise-info	Tópico de {*} definido a {*}
noise-info	Tópico de {*} definido por {*} a {*}
noise-info	Tópico definido a {*}
noise-info	Tópico definido em {*}
noise-info	Tópico definido por {*} a {*}
noise-info	Tópico definido por {*} em {*}
noise-info	Tópico não definido neste canal {*}
noise-info	Tópico para o canal {*} definido em {*}
noise-info	Tópico para o canal {*} definido por {*} em {*}
noise-info	URL de {*}: {*}
noise-info	URL dla {*}: {*}
noise-info	URL for {*}: {*}
noise-info	URL für {*}: {*}
noise-info	URL para {*}: {*}
noise-info	URL per {*}: {*}
noise-info	URL pour {*} : {*}
noise-info	URL pour {*}: {*}
noise-info	URL pro {*}: {*}
noise-info	URL за {*}: {*}
noise-info	{*} için URL: {*}
noise-info	{*} için konu {*} tarafından {*} tarihinde ayarlandı
noise-info	{*} için konu {*} tarihinde ayarlandı
noise-info	{*} kanalı için ayarlı konu yok
noise-info	{*} kanalı için konu ayarlanmamış
noise-info	{*} kanalı {*} tarihinde oluşturuldu
noise-info	{*} の URL: {*}
noise-info	{*} のトピックは {*} が {*} に設定
noise-info	{*} のトピックは {*} が {*} に設定しました
noise-info	{*} のトピックは {*} 設定されました
noise-info	За канал {*} није постављена тема
noise-info	Канал {*} је креиран у {*}
noise-info	Канал је креиран у {*}
noise-info	Надимци {*}: {*}[{*}]
noise-info	Тема за {*} је постављена у {*}
noise-info	Тема је постављена у {*}
noise-info	Тему за {*} је поставио {*} у {*}
noise-info	Тему је поставио {*} у {*}
noise-info	チャンネル {*} にはトピックが設定されていません
noise-info	チャンネル {*} の作成日時 {*}
noise-info	チャンネル {*} は {*} に作成されました
noise-info	チャンネルの作成日時 {*}
noise-info	チャンネル作成時間 {*}
noise-info	トピックは {*} が {*} に設定
noise-info	トピックは {*} が {*} に設定しました
noise-info	トピックは {*} に設定されました
noise-info	ニックネーム {*}: {*}[{*}]
noise-conn	{*} : connecté à {*}/{*} ({*})
noise-conn	{*} : déconnecté du serveur
noise-conn	{*} : reconnexion au serveur dans {*}
noise-conn	{*} : reconnexion au serveur dans {*}, {*}
noise-conn	{*} : reconnexion au serveur...
noise-conn	{*}: Neu verbinden zum Server...
noise-conn	{*}: Neuverbinden zum Server...
noise-conn	{*}: Sunucu bağlantısı kesildi
noise-conn	{*}: Sunucuya yeniden bağlanılıyor...
noise-conn	{*}: Sunucuya {*} içinde yeniden bağlanılacak
noise-conn	{*}: Sunucuya {*}, {*} içinde yeniden bağlanılacak
noise-conn	{*}: Verbinde erneut zum Server in {*}
noise-conn	{*}: Verbinde erneut zum Server in {*}, {*}
noise-conn	{*}: Verbindung zu {*}/{*} ({*}) hergestellt
noise-conn	{*}: Vom Server getrennt!
noise-conn	{*}: a reconectar ao servidor dentro de {*}
noise-conn	{*}: a reconectar ao servidor dentro de {*} e {*}
noise-conn	{*}: a reconectar ao servidor...
noise-conn	{*}: conectado a {*}/{*} ({*})
noise-conn	{*}: connected to {*}/{*} ({*})
noise-conn	{*}: connecté à {*}/{*} ({*})
noise-conn	{*}: connesso a {*}/{*} ({*})
noise-conn	{*}: desconectado del servidor
noise-conn	{*}: desconectado do servidor
noise-conn	{*}: disconnected from server
noise-conn	{*}: disconnesso dal server
noise-conn	{*}: déconnecté du serveur
noise-conn	{*}: odpojen od serveru
noise-conn	{*}: ponowne połączenie z serwerem za {*}, {*}
noise-conn	{*}: ponowne połączenie za {*}
noise-conn	{*}: ponownie łączę się z serwerem...
noise-conn	{*}: połączono z {*}/{*} ({*})
noise-conn	{*}: připojen k {*}/{*} ({*})
noise-conn	{*}: připojuji se znovu k serveru...
noise-conn	{*}: reconectando al servidor en {*}
noise-conn	{*}: reconectando al servidor en {*}, {*}
noise-conn	{*}: reconectando al servidor...
noise-conn	{*}: reconectando ao servidor em {*}
noise-conn	{*}: reconectando ao servidor em {*}, {*}
noise-conn	{*}: reconnecting to server in {*}
noise-conn	{*}: reconnecting to server in {*}, {*}
noise-conn	{*}: reconnecting to server...
noise-conn	{*}: reconnexion au serveur dans {*}
noise-conn	{*}: reconnexion au serveur dans {*}, {*}
noise-conn	{*}: reconnexion au serveur...
noise-conn	{*}: riconnessione al server tra {*}
noise-conn	{*}: riconnessione al server tra {*}, {*}
noise-conn	{*}: riconnessione al server...
noise-conn	{*}: rozłączono z serwerem
noise-conn	{*}: sunucuya yeniden bağlanılıyor...
noise-conn	{*}: vom Server getrennt
noise-conn	{*}: znovupřipojení k serveru v {*}
noise-conn	{*}: znovupřipojení k serveru v {*}, {*}
noise-conn	{*}: {*} 後にサーバに再接続します
noise-conn	{*}: {*} 後にサーバに再接続します、{*}
noise-conn	{*}: {*}/{*} ({*}) bağlanıldı
noise-conn	{*}: {*}/{*} ({*}) sunucusuna bağlanıldı
noise-conn	{*}: {*}/{*} ({*}) に接続完了
noise-conn	{*}: {*}後にサーバに再接続します
noise-conn	{*}: поновно успостављање везе са сервером за {*}
noise-conn	{*}: поновно успостављање везе са сервером за {*}, {*}
noise-conn	{*}: поновно успостављање везе са сервером...
noise-conn	{*}: прекинута је веза са сервером
noise-conn	{*}: успостављена је веза са {*}/{*} ({*})
noise-conn	{*}: サーバから切断
noise-conn	{*}: サーバから切断されました
noise-conn	{*}: サーバに再接続中 {*}
noise-conn	{*}: サーバに再接続中 {*}、{*}
noise-conn	{*}: サーバに再接続中...
noise-ctcp	CTCP Abfrage an {*}: {*}
noise-ctcp	CTCP Anfrage an {*}: {*}
noise-ctcp	CTCP Antwort an {*}: {*}
noise-ctcp	CTCP Antwort von {*}: {*}
noise-ctcp	CTCP Antwort von {*}: {*}.{*}
noise-ctcp	CTCP Antwort von {*}: {*}s
noise-ctcp	CTCP angefordert von {*}: {*}
noise-ctcp	CTCP demandé par {*} : {*}
noise-ctcp	CTCP demandé par {*}: {*}
noise-ctcp	CTCP desconocido solicitado por {*}: {*}
noise-ctcp	CTCP dotaz pro {*}: {*}
noise-ctcp	CTCP inconnu demandé par {*} : {*}
noise-ctcp	CTCP inconnu demandé par {*}: {*}
noise-ctcp	CTCP odpověď od {*}: {*}
noise-ctcp	CTCP odpověď od {*}: {*}.{*}
noise-ctcp	CTCP opdověď od {*}: {*}s
noise-ctcp	CTCP požadavek od {*}: {*}
noise-ctcp	CTCP query to {*}: {*}
noise-ctcp	CTCP reply from {*}: {*}
noise-ctcp	CTCP reply from {*}: {*}.{*}
noise-ctcp	CTCP reply from {*}: {*}s
noise-ctcp	CTCP reply to {*}: {*}
noise-ctcp	CTCP requested by {*}: {*}
noise-ctcp	CTCP requisitado por {*}: {*}
noise-ctcp	CTCP richiesto da {*}: {*}
noise-ctcp	CTCP sconosciuto richiesto da {*}: {*}
noise-ctcp	CTCP solicitado por {*}: {*}
noise-ctcp	CTCP zażądane przez {*}: {*}
noise-ctcp	CTCP {*} tarafından istendi: {*}
noise-ctcp	CTCP захтев од {*}: {*}
noise-ctcp	CTCP одговор за {*}: {*}
noise-ctcp	CTCP одговор од {*}: {*}
noise-ctcp	CTCP одговор од {*}: {*}с
noise-ctcp	CTCP упит за {*}: {*}
noise-ctcp	Demande CTCP vers {*} : {*}
noise-ctcp	Demande CTCP vers {*}: {*}
noise-ctcp	Neznámý CTCP požadavek od {*}: {*}
noise-ctcp	Nieznane zażądane CTCP przez {*}: {*}
noise-ctcp	Odpowiedź CTCP na {*}: {*}
noise-ctcp	Odpowiedź CTCP od {*}: {*}
noise-ctcp	Odpowiedź CTCP od {*}: {*}.{*}
noise-ctcp	Odpowiedź CTCP od {*}: {*}s
noise-ctcp	Requisição CTCP desconhecida por {*}: {*}
noise-ctcp	Richiesta CTCP a {*}: {*}
noise-ctcp	Risposta CTCP a {*}: {*}
noise-ctcp	Risposta CTCP da {*}: {*}
noise-ctcp	Risposta CTCP da {*}: {*},{*}
noise-ctcp	Réponse CTCP de {*} : {*}
noise-ctcp	Réponse CTCP de {*} : {*}.{*}
noise-ctcp	Réponse CTCP de {*} : {*}s
noise-ctcp	Réponse CTCP de {*}: {*}
noise-ctcp	Réponse CTCP de {*}: {*}.{*}
noise-ctcp	Réponse CTCP vers {*} : {*}
noise-ctcp	Réponse CTCP vers {*}: {*}
noise-ctcp	Unbekannte CTCP Anfrage von {*}: {*}
noise-ctcp	Unknown CTCP requested by {*}: {*}
noise-ctcp	Zapytanie CTCP do {*}: {*}
noise-ctcp	consulta CTCP a {*}: {*}
noise-ctcp	pedido CTCP desconhecido por {*}: {*}
noise-ctcp	pedido CTCP por {*}: {*}
noise-ctcp	resposta CTCP a {*}: {*}
noise-ctcp	resposta CTCP de {*}: {*}
noise-ctcp	resposta CTCP de {*}: {*}.{*}
noise-ctcp	resposta CTCP de {*}: {*}s
noise-ctcp	resposta CTCP para {*}: {*}
noise-ctcp	respuesta CTCP a {*}: {*}
noise-ctcp	respuesta CTCP de {*}: {*}
noise-ctcp	respuesta CTCP de {*}: {*}.{*}
noise-ctcp	unbekannte CTCP Anfrage von {*}: {*}
noise-ctcp	{*} konumuna CTCP sorgusu: {*}
noise-ctcp	{*} konumuna CTCP yanıtı: {*}
noise-ctcp	{*} konumundan CTCP yanıtı: {*}
noise-ctcp	{*} konumundan CTCP yanıtı: {*}s
noise-ctcp	{*} tarafından bilinmeyen CTCP istendi: {*}
noise-ctcp	{*} からの CTCP 応答: {*}
noise-ctcp	{*} からの CTCP 応答: {*} 秒
noise-ctcp	{*} からの CTCP 応答: {*}.{*}
noise-ctcp	{*} からの CTCP 要求: {*}
noise-ctcp	{*} からの未知の CTCP 要求: {*}
noise-ctcp	{*} への CTCP クエリ: {*}
noise-ctcp	{*} への CTCP 応答: {*}
noise-ctcp	Стигао је непознати CTCP од {*}: {*}
noise-user	{*} ({*}){*} a changé d'hôte pour {*}
noise-user	{*} ({*}){*} ana makineyi {*} olarak değiştirdi
noise-user	{*} ({*}){*} has changed host to {*}
noise-user	{*} ({*}){*} hat den Host nach {*} geändert
noise-user	{*} ({*}){*} zmienił hosta na {*}
noise-user	{*} ({*}){*} је променио свој хост на {*}
noise-user	{*} ({*}){*} がホストを {*} に変更しました
noise-user	{*} ({*}){*}, ana makineyi {*} olarak değiştirdi
noise-user	{*} a changé le nom réel en {*}"{*}"{*}
noise-user	{*} has changed real name to {*}"{*}"{*}
noise-user	{*} has identified as {*}
noise-user	{*} has unidentified
noise-user	{*} hat den Realnamen auf {*}"{*}"{*} geändert
noise-user	{*} hat sich nicht identifiziert
noise-user	{*} kimliği belirsiz
noise-user	{*} n'est plus identifié
noise-user	{*} removeu sua identificação
noise-user	{*} s'est identifié en tant que {*}
noise-user	{*} se identificou como {*}
noise-user	{*} wurde identifiziert als {*}
noise-user	{*} zidentyfikował się jako {*}
noise-user	{*} zmienił prawdziwą nazwę na {*}"{*}"{*}
noise-user	{*} został niezidentyfikowany
noise-user	{*} се идентификовао као {*}
noise-user	{*} је променио право име на {*}„{*}”{*}
noise-user	{*} је уклонио идентификацију
noise-user	{*}({*}){*} est de retour sur le serveur
noise-user	{*}({*}){*} ha regresado al servidor
noise-user	{*}({*}){*} hat sich wieder am Server angemeldet
noise-user	{*}({*}){*} is back on server
noise-user	{*}({*}){*} jest spowrotem na serwerze
noise-user	{*}({*}){*} jest z powrotem na serwerze
noise-user	{*}({*}){*} se zpet na serveru
noise-user	{*}({*}){*} voltou ao servidor
noise-user	{*}({*}){*} è tornato sul server
noise-user	{*}({*}){*} је поново повезан на сервер
noise-user	{*}({*}){*} がサーバに戻りました
noise-user	{*}({*}){*}, sunucuya geri döndü
noise-user	{*}, gerçek adını {*}"{*}"{*} olarak değiştirdi
noise-user	{*}, {*} olarak kimliği tanımlandı
noise-user	{*}[{*}]{*} est absent : {*}
noise-user	{*}[{*}]{*} est absent: {*}
noise-user	{*}[{*}]{*} está ausente: {*}
noise-user	{*}[{*}]{*} is away: {*}
noise-user	{*}[{*}]{*} ist abwesend: {*}
noise-user	{*}[{*}]{*} je pryč: {*}
noise-user	{*}[{*}]{*} jest nieobecny: {*}
noise-user	{*}[{*}]{*} uzakta: {*}
noise-user	{*}[{*}]{*} è assente: {*}
noise-user	{*}[{*}]{*} је одсутан: {*}
noise-user	{*}[{*}]{*} は離席状態: {*}
noise-user	{*}[{*}]{*} 離席状態: {*}
noise-invite	Byl jsi pozván na {*} od {*}
noise-invite	Du bist in den Channel {*} von {*} eingeladen worden
noise-invite	Du bist in den Kanal {*} von {*} eingeladen worden
noise-invite	Foi convidado para {*} por {*}
noise-invite	Sei stato invitato su {*} da {*}
noise-invite	Sie wurden in den Channel {*} von {*} eingeladen
noise-invite	Usted ha sido invitado a {*} por {*}
noise-invite	Você foi convidado para {*} por {*}
noise-invite	Vous avez été invité sur {*} par {*}
noise-invite	You have been invited to {*} by {*}
noise-invite	Zostałeś zaproszony na {*} przez {*}
noise-invite	{*} a invité {*} sur {*}
noise-invite	{*} convidou {*} para o canal {*}
noise-invite	{*} convidou {*} para {*}
noise-invite	{*} ha invitado a {*} a {*}
noise-invite	{*} ha invitato {*} in {*}
noise-invite	{*} has invited {*} to {*}
noise-invite	{*} hat {*} in den Channel {*} eingeladen
noise-invite	{*} hat {*} in den Kanal {*} eingeladen
noise-invite	{*} kanalına {*} tarafından davet edildiniz
noise-invite	{*} pozval {*} na {*}
noise-invite	{*} zaprosił {*} na {*}
noise-invite	{*} је позвао {*} на {*}
noise-invite	{*} から {*} に招待されました
noise-invite	{*} が {*} に招待しています
noise-invite	{*} が {*} を {*} に招待しました
noise-invite	{*}, {*} kullanıcısını {*} kanalına davet etti
noise-invite	На канал {*} вас је позвао {*}
`

// wsKind is what a WeeChat sentence says.
type wsKind uint8

const (
	wsJoin wsKind = iota + 1
	wsPart
	wsQuit
	wsKick
	wsNick
	wsSelfNick
	wsTopicFrom
	wsTopic
	wsUnset
	wsTopicIs
	wsMode
	wsModeIs
	wsNames // the nick count WeeChat prints when the logger joins
	wsInfo
	wsConn
	wsCTCP
	wsUser
	wsInvite
)

var wsKindNames = map[string]wsKind{
	"join": wsJoin, "part": wsPart, "quit": wsQuit, "kick": wsKick, "nick": wsNick,
	"selfnick": wsSelfNick, "topicfrom": wsTopicFrom, "topic": wsTopic, "unset": wsUnset,
	"topicis": wsTopicIs, "mode": wsMode, "modeis": wsModeIs, "noise-names": wsNames,
	"noise-info": wsInfo, "noise-conn": wsConn, "noise-ctcp": wsCTCP, "noise-user": wsUser,
	"noise-invite": wsInvite,
}

// role is the prefix column a sentence of this kind is written under.
func (k wsKind) role() weechatRole {
	switch k {
	case wsJoin:
		return roleJoin
	case wsPart, wsQuit, wsKick:
		return roleQuit
	}
	return roleNetwork
}

// event reports whether the sentence reports an event the archive keeps.
func (k wsKind) event() bool { return k <= wsMode }

type wsSlot uint8

const (
	slotLit wsSlot = iota
	slotWho
	slotNick
	slotTarget
	slotChan
	slotReason
	slotOld
	slotText
	slotModes
	slotAny
)

var wsSlotNames = map[string]wsSlot{
	"{who}": slotWho, "{nick}": slotNick, "{target}": slotTarget, "{chan}": slotChan,
	"{reason}": slotReason, "{old}": slotOld, "{text}": slotText, "{modes}": slotModes, "{*}": slotAny,
}

type wsPiece struct {
	slot wsSlot
	lit  string // the text of a slotLit piece
}

// wsSentence is one sentence of the table, compiled.
type wsSentence struct {
	kind   wsKind
	pieces []wsPiece
	key    string // the longest word of its text: a line without it cannot match
	open   bool   // it starts with a slot of free text ({*}): too loose to teach a prefix's role
}

// wsMatch holds what a sentence read from a line.
type wsMatch struct {
	who, nick, target, channel, reason, old, text, modes string
	hint                                                 string // the topic last seen, to tell where {old} ends
	tries                                                int    // left to this match: a crafted line cannot make it slow
}

const (
	maxSentence = 4096 // longer lines are no sentence: IRC lines are shorter
	maxTries    = 64   // places a match may try for its slots
)

var weechatSentences = compileSentences(weechatSentenceTable)

// compileSentences reads the table; it panics on a malformed entry, which
// the package's tests would show at once.
func compileSentences(table string) []*wsSentence {
	var out []*wsSentence
	for _, l := range strings.Split(strings.TrimSpace(table), "\n") {
		name, text, ok := strings.Cut(l, "\t")
		kind, known := wsKindNames[name]
		if !ok || !known {
			panic("weechat sentence table: bad line " + l)
		}
		ws := &wsSentence{kind: kind}
		for text != "" {
			if text[0] == '{' {
				if j := strings.IndexByte(text, '}'); j > 0 {
					if slot, ok := wsSlotNames[text[:j+1]]; ok {
						if n := len(ws.pieces); n > 0 && ws.pieces[n-1].slot != slotLit {
							panic("weechat sentence table: two slots in a row in " + l)
						}
						ws.pieces = append(ws.pieces, wsPiece{slot: slot})
						text = text[j+1:]
						continue
					}
				}
			}
			j := strings.IndexByte(text[1:], '{') + 1
			if j == 0 {
				j = len(text)
			}
			if n := len(ws.pieces); n > 0 && ws.pieces[n-1].slot == slotLit {
				ws.pieces[n-1].lit += text[:j]
			} else {
				ws.pieces = append(ws.pieces, wsPiece{lit: text[:j]})
			}
			text = text[j:]
		}
		for _, p := range ws.pieces {
			for _, w := range strings.Fields(p.lit) {
				if len(w) > len(ws.key) {
					ws.key = w
				}
			}
		}
		ws.open = ws.pieces[0].slot == slotAny
		out = append(out, ws)
	}
	return out
}

// match reads s as this sentence.
func (ws *wsSentence) match(s string, m *wsMatch) bool {
	if len(s) > maxSentence || ws.key != "" && !strings.Contains(s, ws.key) {
		return false
	}
	hint := m.hint
	*m = wsMatch{hint: hint, tries: maxTries}
	return matchPieces(ws.pieces, s, m)
}

func matchPieces(ps []wsPiece, s string, m *wsMatch) bool {
	if len(ps) == 0 {
		return strings.TrimRight(s, " ") == ""
	}
	p := ps[0]
	if p.slot == slotLit {
		n, ok := litPrefix(s, p.lit)
		return ok && matchPieces(ps[1:], s[n:], m)
	}
	if len(ps) == 1 {
		return m.set(p.slot, strings.TrimRight(s, " "))
	}
	next := ps[1].lit // compileSentences puts a literal after every slot
	try := func(i int) bool {
		if m.tries <= 0 {
			return false
		}
		if _, ok := litPrefix(s[i:], next); !ok || !m.set(p.slot, s[:i]) {
			return false
		}
		m.tries--
		return matchPieces(ps[1:], s[i:], m)
	}
	switch p.slot {
	case slotNick, slotTarget, slotChan:
		// one word: it ends at the first space at the latest
		end := strings.IndexByte(s, ' ')
		if end < 0 {
			end = len(s)
		}
		for i := 1; i <= end; i++ {
			if try(i) {
				return true
			}
		}
	case slotText, slotReason, slotModes:
		// free text at the end of a sentence: the last place that fits
		return eachStart(s, next, true, try)
	case slotOld:
		// the old topic, when known, tells where it ends
		if m.hint != "" && strings.HasPrefix(s, m.hint) && try(len(m.hint)) {
			return true
		}
	}
	return eachStart(s, next, false, try)
}

// eachStart calls try at the places of s where the literal next may start,
// from the first (or, with last, from the last), until try says yes. The
// places are found by next's first word; spaces before it belong to next.
func eachStart(s, next string, last bool, try func(int) bool) bool {
	lead := 0
	for lead < len(next) && next[lead] == ' ' {
		lead++
	}
	word, _, _ := strings.Cut(next[lead:], " ")
	if word == "" {
		for k := 0; k <= len(s); k++ {
			i := k
			if last {
				i = len(s) - k
			}
			if try(i) {
				return true
			}
		}
		return false
	}
	end := len(s)
	for off := 0; ; {
		var j int
		if last {
			if j = strings.LastIndex(s[:end], word); j < 0 {
				return false
			}
			end = j + len(word) - 1
		} else {
			if j = strings.Index(s[off:], word); j < 0 {
				return false
			}
			j += off
			off = j + 1
		}
		i := j
		if lead > 0 {
			// the spaces (or no-break spaces) before the word start next
			for i > 0 && s[i-1] == ' ' || i > 1 && s[i-2:i] == "\u00a0" {
				if s[i-1] == ' ' {
					i--
				} else {
					i -= 2
				}
			}
			if i == j {
				if last && end < 0 {
					return false
				}
				continue
			}
		}
		if try(i) {
			return true
		}
		if last && end < 0 {
			return false
		}
	}
}

// set checks and keeps the text of one slot.
func (m *wsMatch) set(slot wsSlot, v string) bool {
	switch slot {
	case slotWho:
		if nick, _, _, ok := parseWho(v); !ok || !isNick(stripMode(nick)) {
			return false
		}
		m.who = v
	case slotNick, slotTarget:
		if !isNick(v) && !isServerName(v) {
			return false
		}
		if slot == slotNick {
			m.nick = v
		} else {
			m.target = v
		}
	case slotChan:
		if !isChannel(v) {
			return false
		}
		m.channel = v
	case slotReason:
		m.reason = v
	case slotOld:
		m.old = v
	case slotText:
		m.text = v
	case slotModes:
		m.modes = v
	}
	return true
}

// litPrefix matches lit at the start of s, a space of lit standing for
// one or more spaces or no-break spaces, and says how many bytes of s it
// took.
func litPrefix(s, lit string) (int, bool) {
	i, j := 0, 0
	for j < len(lit) {
		if lit[j] == ' ' {
			n := 0
			for i+n < len(s) {
				if s[i+n] == ' ' {
					n++
				} else if strings.HasPrefix(s[i+n:], "\u00a0") {
					n += len("\u00a0")
				} else {
					break
				}
			}
			if n == 0 {
				return 0, false
			}
			i += n
			for j < len(lit) && lit[j] == ' ' {
				j++
			}
			continue
		}
		if i >= len(s) || s[i] != lit[j] {
			return 0, false
		}
		i++
		j++
	}
	return i, true
}

// parseWho reads what WeeChat writes for the subject of a join, part or
// quit: the nick, then "[account]" (extended-join), "(real name)" and
// "(user@host)", each when known. The user@host is the last group in
// parentheses that holds an '@'; it may hold spaces (a cloak, a bridge),
// and when it is the only group, parentheses too.
func parseWho(v string) (nick, account, userHost string, ok bool) {
	nick, rest := cut(v, ' ')
	if nick == "" {
		return "", "", "", false
	}
	rest = strings.Trim(rest, " ")
	if strings.HasPrefix(rest, "[") {
		j := strings.IndexByte(rest, ']')
		if j < 0 {
			return "", "", "", false
		}
		account, rest = rest[1:j], strings.Trim(rest[j+1:], " ")
	}
	if rest == "" {
		return nick, account, "", true
	}
	if rest[0] != '(' || rest[len(rest)-1] != ')' {
		return "", "", "", false
	}
	for i := len(rest) - 1; i >= 0; i-- {
		if rest[i] == '(' && (i == 0 || rest[i-1] == ' ') {
			if in := rest[i+1 : len(rest)-1]; strings.IndexByte(in, '@') >= 0 && (i == 0 || !strings.ContainsAny(in, "()")) {
				userHost = in
			}
			break
		}
	}
	return nick, account, userHost, true
}

// isServerName reports whether s can be a server's name, which WeeChat
// writes where a nick would be when a server set a mode or a topic.
func isServerName(s string) bool {
	return strings.IndexByte(s, '.') > 0 && isNick(strings.ReplaceAll(s, ".", ""))
}

// isChannel reports whether s is a channel name as the sentences show it.
func isChannel(s string) bool {
	if s == "" || strings.ContainsAny(s, " \t,") {
		return false
	}
	switch s[0] {
	case '#', '&', '!', '+':
		return utf8.ValidString(s)
	}
	return false
}
