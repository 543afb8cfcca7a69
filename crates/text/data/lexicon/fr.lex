# French lists for levain-text.
#
# Where these choices come from: written by hand for levain from everyday
# French as it is typed in replies to local organisations (shops,
# associations, venues, newsrooms, open-source projects), including
# colloquial and SMS spellings (chui, tkt, vs, mdr). Valences use VADER's
# scale, −4 … +4 (Hutto & Gilbert, 2014), set by hand rather than copied
# from VADER or from FEEL; they were checked against data/sentiment/fr-dev.tsv
# only (never the test set). Entries are folded like replies, so accents are
# optional and inflections are found by stem ("déçue", "décevantes").
#
# Format: a word or phrase, then numbers, then +tags (see src/lexicon.rs).
# +negated marks a phrase that carries its own negation ("reprendra
# plus"), so a "ne" before it does not reverse it. In [sentiment], a second number is the valence under negation when it is
# not simply the reverse ("reçu": neutral; "jamais reçu": a complaint).

[sentiment]
# --- praise ---
génial 3
génialissime 3.5
super 2.5
top 2.5
au top 3
excellent 3
parfait 3
impeccable 3
nickel 2.5
magnifique 3
merveilleux 3
merveille 3
formidable 3
fantastique 3
extraordinaire 3
exceptionnel 3
incroyable 2.5
sublime 3
splendide 3
superbe 3
somptueux 3
grandiose 3
épatant 2.5
bluffant 2.5
bluffé 2.5
impressionnant 2.5
impressionné 2.5
remarquable 2.5
admirable 2.5
beau 2
belle 2
beaux 2
belles 2
joli 2
jolie 2
mignon 2
adorable 2.5
chouette 2
cool 2
sympa 2
sympathique 2
gentil 2
gentille 2
gentillesse 2.5
agréable 2
bon 2
bonne 2
bien 1.2
bien vu 2
bien joué 2.5
bravo 2.5
chapeau 2
félicitations 3
félicitation 3
respect 2
gg 2
meilleur 3
meilleure 3
mieux 1.5
idéal 2.5
pile poil 2
top du top 3.5
stylé 2
classe 1.5 +exact
la classe 2.5
canon 2 +exact
ouf 1
de ouf 2.5
dingue 1.5
de la folie 2.5
une tuerie 3
tuerie 3 +exact
pépite 2.5
régal 3
régale 2.5
délicieux 3
délicieuse 3
savoureux 2.5
succulent 3
miam 2
trop bon 3
propre 1.5
soigné 2
réussi 2
réussite 2.5
succès 2
efficace 2
réactif 2
réactivité 2
rapide 1.5
rapidement 1.5
express 1 +exact
pro 1
professionnel 2
professionnalisme 2.5
compétent 2
accueillant 2
chaleureux 2.5
convivial 2
conviviale 2
clair 1.5
utile 2
pratique 1.5 +exact
intéressant 2
passionnant 2.5
enrichissant 2.5
instructif 2
émouvant 2
touchant 2
drôle 2
marrant 2
hilarant 2.5
rire 1.5
ri 1.5
génie 2
talent 2
talentueux 2.5
doué 2
brillant 2.5
solide 1.5
fiable 2
rassurant 1.5
bienveillant 2
bienveillance 2.5
patient 1.5
patience 1
à l'écoute 2
fier 2
fierté 2
heureux 2.5
content 2
ravi 3
enchanté 2.5
satisfait 2
comblé 2.5
soulagé 1.5
reconnaissant 2.5
gratitude 2.5
chanceux 2
hâte 2
vivement 1.5
enfin 1
ouf enfin 2
plaisir 2
fait plaisir 2.5
bonheur 3
que du bonheur 3.5
que du bon 2.5
joie 2.5
aime 2
aimé 2
aimer 2
adore 3
adorer 3
kiffe 2.5
kiff 2.5
apprécie 2
apprécié 2
fan 2
love 2
cute 2
nice 2
merci 2 +thanks
mercii 2 +thanks
remercie 2 +thanks
remerciements 2 +thanks
mille mercis 3 +thanks
merci mille fois 3 +thanks
grâce à vous 1.5
grâce à toi 1.5
recommande 2.5 -2
recommander 2.5 -2
conseille 1.5 -1.5 +exact
bienvenue 1.5
bienvenu 1.5
longue vie 2.5
bonne continuation 2
bonne idée 2.5
belle idée 2
excellente idée 3
bonne nouvelle 2.5
beau travail 3
bon travail 2.5
bon boulot 2.5
beau boulot 3
ça change tout 2
change la vie 2.5
fait du bien 2
vaut le coup 2 -2
vaut le détour 2.5
vaut la peine 2 -2
les yeux fermés 1.5
comme un charme 2
rien à redire 2.5
rien à dire 1.5
exactement ce qu 2
exactement ce qu'il 2
exactement ce que 2
c'est ce qu'il faut 2
bien expliqué 2
bien organisé 2
bien fait 2
bisous 1.5
bises 1
cœur 1
mdr 0.8
ptdr 0.8
lol 0.8
haha 1.5
ahah 1.5
hihi 1
hâte d'y être 2.5
trop hâte 2.5
quelle chance 2
chance 1
gagné 1.5
victoire 2
fête 1.5
festif 1.5
émerveillé 2.5
admiratif 2.5
plaisant 2
agréablement 2
formidablement 2
nickel chrome 3
reviendrai 1 -2
reviendrons 1 -2
revenir 0.5 -1.5
reviens 0.5 -1.5
rachèterai 1 -2
vivement la prochaine 2.5
trop cool 3
trop fort 2.5
trop forts 2.5
vous êtes les meilleurs 3
le meilleur 3
à tomber 2.5
au poil 2.5
aux petits oignons 2.5
en prime 0.5
# --- praise by domain: shows, food, writing, software ---
magique 2.5
magnifiquement 3
envoûtant 2.5
poignant 2
bouleversant 2.5
captivant 2.5
passionnante 2.5
drôlissime 3
ovation 2.5
standing ovation 3
chef-d'œuvre 3
chef d'oeuvre 3
pépites 2.5
moelleux 2
croustillant 2
fondant 2
gourmand 1.5
savoureuse 2.5
frais et bon 2.5
bien écrit 2.5
bien documenté 2.5
documenté 1
limpide 2
pédagogique 1.5
fluide 1.5
stable 1 -1.5
rapide et efficace 2.5
indispensable 2.5
essentiel 1.5
précieux 2
pertinent 2 -1.5
à jour 0.5 -1.5

# --- problems, complaints, blame ---
nul -3
nulle -3
naze -2.5
pourri -3 +exact
# Plurals that are other words, with no valence of their own.
classes 0
merdique -3.5
merde -3
de la merde -3.5
à chier -3.5
catastrophe -3
catastrophique -3.5
désastre -3
désastreux -3
horrible -3 +world
affreux -3 +world
atroce -3 +world
épouvantable -3 +world
terrible -2 +world
pas terrible -2
lamentable -3
pitoyable -3
minable -3
médiocre -2.5
moyen -1
bof -1.5
mouais -1.5
bon bah -0.5
décevant -2.5
déçu -2.5
déception -2.5
décevoir -2.5
dommage -1.5 +sad
c'est dommage -1.5 +sad
regrette -1.5
regrettable -2
malheureusement -1.5 +sad
hélas -1.5 +sad
mal -1.5
pas mal de 0
mal organisé -2.5
mal foutu -2.5
mal fait -2
mauvais -2.5 +exact
mauvaise -2.5
pire -3
moche -2
laid -2
sale -2
caramel salé 0
beurre salé 0
salé sucré 0
sucré salé 0
la ferme 0
une ferme 0
à la ferme 0
frais de port -0.5
frais de livraison -0.5
crade -2.5
dégueulasse -3 +world
dégueu -3 +world
dégoûtant -3
dégoûté -2.5 +sad
écœurant -2.5
infect -3
immonde -3
insupportable -3 +world
inadmissible -3
inacceptable -3
intolérable -3
scandaleux -3
scandale -3
honte -3
honteux -3
la honte -3
n'importe quoi -2.5
arnaque -3
arnaquer -3
escroquerie -3
escroc -3
vol -1 +world
voleur -2 +world
volé -1.5 +world
cambriolage -2 +world
cambriolé -2 +world
vandalisme -2.5 +world
vandalisé -2.5 +world
cher -1.5
pas cher 1.5
hors de prix -2.5
ruineux -2.5
délirant -2
exorbitant -2.5
abusé -2
abusif -2.5
abus -2
excessif -2
explosé -1
augmenté -1
augmente -1
augmentation -1
hausse -1
lent -1.5
lenteur -1.5
interminable -2
attente -1 +exact
ai attendu -1
toujours pas -1.5
toujours rien -1.5
toujours en attente -2
rien fait -1.5
reçu 0 -2
reçue 0 -2
répondu 0 -1.5
répond 0 -1.5
répondre 0 -1.5
répondez 0 -2
réponse 0 -1.5
rappelé 0 -1.5
marche 0 -2
marchait 0 -2
fonctionne 0 -2
fonctionnait 0 -2
fonctionner 0 -2
cassé -2
casse -1.5
en panne -2
panne -2
bug -1.5
bugue -2
buggé -2
beugue -2
plantage -2
crash -2
erreur -1.5
faute -1.5
fautes -1.5
coquille -1
problème -1.5
souci -1.5
problème réglé 2
problème résolu 2
bien reçu 0.5
galère -2 +exact +world
galérer -2 +exact
compliqué -1.5
incompréhensible -2.5
incompréhension -1.5
bordel -2.5
chaos -2
chaotique -2
désorganisé -2.5
désorganisation -2.5
organisé 0.5 -2
fermé -0.4
fermée -0.4
fermés -0.4
fermées -0.4
fermeture -0.4
annulé -1.5
annulation -1.5
supprimé -1.2
supprimer -1
suppression -1
retard -1.5
raté -2
rater -1.5
loupé -1.5
oublié -1
perdu -1.5
perte -1.5
manque -1
manque de -1.5
manquait -1
ce qu'il manquait 2
exactement ce qu'il manquait 2.5
ce qui manquait 2
il nous manquera -1.5 +sad
dangereux -2 +world
danger -2 +world
peur -2 +world
effrayant -2.5 +world
flippant -2 +world
stress -1.5 +world
stressant -2 +world
angoisse -2 +world
angoissant -2 +world
inquiet -1.5 +world
inquiétant -2 +world
énervé -2.5 +world
énervant -2.5 +world
énerve -2 +world
agaçant -2 +world
agacé -2 +world
chiant -2.5 +world
relou -2 +world
saoule -2 +world
soûle -2 +world
me saoule -2.5 +world
marre -2.5 +world
en ai marre -2.5 +world
ras le bol -2.5 +world
en peux plus -2.5 +world
furieux -3 +world
furax -3 +world
colère -2.5 +world
fâché -2
rage -2.5 +world
rend fou -2 +world
me rend fou -2.5 +world
rend dingue -2.5 +world
pénible -2 +world
lourd -0.8
fatigant -1.5 +world
fatigué -1 +world
épuisé -1 +world
crevé -1 +world
malade -1.5 +sad
blessé -2 +sad
blessure -2 +sad
accident -2 +world
mort -2.5 +sad
décès -2.5 +sad
deuil -2.5 +sad
drame -2.5 +sad
tragique -3 +sad
tragédie -3 +sad
enfer -3 +world
un enfer -3 +world
cauchemar -3 +world
horreur -3 +world
quelle horreur -3 +world
flotte -1 +world
canicule -1 +world
triste -2 +sad
tristesse -2 +sad
quelle tristesse -2.5 +sad
pleurer -2 +sad
pleure -2 +sad
chagrin -2.5 +sad
déprime -2 +sad
déprimant -2 +sad
déprimer -2 +sad
dépriment -2 +sad
cafard -2 +sad
pfff -1.5 +world
pff -1.5 +world
pf -1.5 +world
grr -1.5 +world
argh -1.5 +world
beurk -2.5
berk -2.5
bouh -1
snif -1.5 +sad
ouin -1.5 +sad
zut -1
mince -0.5
tant pis -1 +sad
désolé pour -1
désolée pour -1
désolés pour -1
navré pour -1
navrée pour -1
désolé d'apprendre -1.5
désolée d'apprendre -1.5
meh -1.5
la blague -1.5
foutage de gueule -3
se fout de -2.5
se foutent de -2.5
se moque de -2
se moquent de -2
trompeur -2.5
trompeuse -2.5
mensonge -2.5
menteur -2.5
mensonger -2.5
faux -1.5
clickbait -2.5
putaclic -2.5
incompétent -3
incompétence -3
amateur -1.5
amateurisme -2.5
irrespectueux -2.5
impoli -2.5
malpoli -2.5
désagréable -2.5
hautain -2
méprisant -2.5
mépris -2.5
comme à un chien -2
agressif -2.5
arrogant -2.5
inutile -2
sert à rien -2
pour rien -1.5
de rien 0.5
glissant -1
# --- problems by domain: shows, writing, software ---
longueurs -1.5
ennuyé -2
ennuyée -2
régression -2
régressions -2
obsolète -1.5
plus maintenu -2
abandonné -1.5
fuite mémoire -2
partial -2
orienté -1.5
tendancieux -2.5
racoleur -2.5
approximatif -2
approximations -2
erroné -2
inexact -2
inexactitudes -2
article payant -1.5
réservé aux abonnés -1
rupture de stock -1
gaspillage -2.5
pas assez -1.5
pas assez de -1.5
aurait dû -1
auriez dû -1.5
auraient dû -1
il aurait fallu -1
arrêtez -1
je me désabonne -2
désabonné -2
désabonnement -1.5
prévenu 0 -1.5
prévenus 0 -1.5
prévenue 0 -1.5
informé 0 -1.5
informés 0 -1.5
publicité mensongère -2.5
sous-effectif -2
débordé -1
bondé -1
condescendant -2.5
difficile à trouver -1
plus ce que c'était -2
trop de monde -1
trop d'attente -1.5
trop tard -1
trop tôt -0.5
trop petit -1
trop court -1
trop long -1.5
trop bruyant -2
# --- complaints about service, quality, prices (blame) ---
jamais de réponse -2
# Closed whenever one comes: a complaint, unlike a one-off closure notice.
toujours fermé -2
toujours fermée -2
jamais ouvert -2 +negated
aucun retour -1.5
pas de retour -1.5
sans retour -1.5
sans nouvelles -1.5
aucune nouvelle -1.5
relancé -1
injoignable -2.5
décroche 0 -2
raccroché -1.5
ignoré -2
désinvolte -2
aucune excuse -2
même pas une excuse -2
peu professionnel -2
sans saveur -2
fade -1.5
insipide -2
immangeable -3
trop cuit -1.5
brûlé -1.5
tiède -1
sec -0.8
pâteux -1.5
trop salé -1.5
minuscule -1
ridicule -2
riquiqui -1.5
radin -2
cher payé -2
coûte un bras -2
c'est du vol -2.5
racket -2.5
pigeons -1.5
en rade -1.5
hors service -2
bloqué -1.5
planté -1.5
inutilisable -2.5
impossible de -1.5
possible 0 -1
acceptable 0.5 -2
correct 0.5 -1.5
injuste -2
flou -1
confus -1.5
incohérent -2
absurde -2
grotesque -2.5
aberrant -2.5
consternant -2.5
affligeant -2.5
navrant -2.5
désolant -2
pathétique -2.5
risible -2
déplorable -2.5
indigne -2.5
irresponsable -2.5
hypocrite -2.5
hypocrisie -2.5
malhonnête -2.5
bidon -2
exagéré -1.5
la cata -2.5
cata -2.5
fiasco -3
flop -2
échec -2
pagaille -2
foutoir -2.5
usine à gaz -1.5
nul à chier -3.5
moisi -2
passable -0.5
vexé -1.5
# --- how it feels and how the world is (not blame unless aimed at us) ---
révoltant -2.5 +world
révolté -2 +world
outré -2.5 +world
choqué -2 +world
choquant -2.5 +world
scandalisé -2.5 +world
indigné -2 +world
exaspéré -2.5 +world
exaspérant -2.5 +world
gonflant -2 +world
soûlant -2 +world
lassant -1.5 +world
décourageant -2 +world
découragé -2 +sad
alarmant -2 +world
terrifiant -2.5 +world
abominable -3 +world
ignoble -3 +world
odieux -3 +world
insultant -2.5 +world
risqué -1.5 +world
renversé -2 +world
percuté -2 +world
agressé -2.5 +world
insécurité -2 +world
pollution -1.5 +world
pollué -1.5 +world
bruit -1 +world
bruyant -1.5 +world
saleté -2 +world
crottes -1.5 +world
grève -1 +world
crevaison -1 +world
chute -1.5 +world
tombé -1 +world
mal au dos -1.5 +sad
frustré -2 +world
frustrant -2 +world
frustration -2 +world
seum -2 +sad
le seum -2 +sad
oh non -1.5 +sad
mince alors -1 +sad
la poisse -2 +sad
quelle poisse -2 +sad
pas de bol -1.5 +sad
pas de chance -1.5 +sad
aie -1 +sad
ouille -1 +sad
oups -0.5
lasse -1
défaut -1.5
défauts -1.5
pas fini de nous surprendre 2.5
ennuie -1.5
ennuyeux -2
ennui -1.5
valait le coup 2 -2
valait la peine 2 -2
vaut le déplacement 2 -2
valait le déplacement 2 -2
valait le détour 2.5
impossible de ne pas aimer 2.5
peut mieux faire -1.5
laisse à désirer -2
laissait à désirer -2
convaincu 1 -1.5
convaincant 1.5 -1.5
mitigé -1
avis mitigé -1.5
reprendra plus -2 +negated
y reprendra plus -2.5 +negated
regret -1.5
aucun regret 2
sans prévenir -1.5
sans nous prévenir -1.5
assurez 2.5
assure 1.5
vous assurez 3
tu assures 3
ça assure 2.5
en redemande 2.5
on en redemande 3
mémorable 2.5
inoubliable 2.5
quelle blague -2
doublé -1
ont doublé -1.5
non merci -1.5
personne au téléphone -1.5
personne ne répond -2
fait rien -1.5
font rien -1.5
ne fait rien -1.5
grippe -1.5 +sad
covid -1.5 +sad
rhume -1 +sad
fièvre -1.5 +sad
pourrai pas venir -1 +sad
peux pas venir -1 +sad
pourrons pas venir -1 +sad
j'ai oublié -1 +sad
dure 0
durer 0
durée 0
dégradé -2
se dégrade -2
en baisse -1
moins bien -1.5
de moins en moins -1.5
plus comme avant -1.5
c'était mieux avant -2
mauvaise foi -2.5
vaut 0.5 -1.5
illisible -2
lisible 1 -1.5
normal 0.5 -1.5
sérieux 0.5 -2
au moins -0.5
vous pourriez au moins -1.5
la moindre des choses -1.5
fichu -1.5 +world
fichue -1.5 +world
foutu -1.5 +world
foutue -1.5 +world
maudit -1.5 +world
dur -1 +world
sans hésiter 1.5
sans hésitation 1.5
retourne 0.5 -1.5
retournerai 1 -2
pensées pour -1 +sad
repose en paix -2 +sad
rip -2 +sad
ce qui s'est passé -0.5
donne envie 2
ça donne envie 2
inexistant -2
ça plante -2
plante tout le temps -2
qui plante -1.5
attend toujours -2
attends toujours -2
attendons toujours -2
baissé -1.5
triste d'apprendre -2 +sad
condoléances -1 +sad
toutes mes condoléances -1.5 +sad
sincères condoléances -1.5 +sad
glacial -2
froid -1
rassis -2
personne pour -1.5
bonne journée 0.5
bonne soirée 0.5
bon week-end 0.5
bonne fin de journée 0.5
interdit -1
dommageable -2
haineux -2.5 +world
haine -3 +world
déteste -3 +world
détester -3 +world
hais -3 +world
hait -3 +world
refuse -1
refusé -1.5
frôlé -1.5 +world
coupé la route -2 +world
plus jamais -2.5
plus possible -2
c'est plus possible -2.5
rien de spécial -1.5
rien de special -1.5
sans plus -1.5
sans intérêt -2
aucun intérêt -2
intérêt 1
pas fou -1.5
pas ouf -1.5
pas folichon -1.5
pas top -2
pas génial -2
pas terrible du tout -3
ça coince -1.5
coince -1
cuit 0 -1.5
frais 1 -1.5
ont fondu -1.5
fondu 0
promesses non tenues -2.5
pas respecté -2
respecté 1 -2
tenu 0 -1.5
tenue 0 -1.5
quelle galère -2.5 +world
n'a aucun sens -2
aucun sens -2
incompréhensible -2.5
inadapté -2
inaccessible -1.5
bâclé -2.5
pas cuit -1.5
trop cher -2.5
trop long -1.5
trop lent -2

[negators]
ne
n
pas +after
jamais +after +enough
rien +after
aucun
aucune
sans
ni
nullement
guère +after

# "ne … que" limits rather than negates: these phrases take the "n" away.
[function]
n'a que
n'ai que
n'avez que
n'avons que
n'ont que
n'est que
ne sont que
n'y a que
ne fait que
ne font que
n'aurais jamais cru
sans doute
bien sûr
eh bien
ou bien
bien que
si bien que
aussi bien
# Common words, which only tell the language.
le
la
les
un
une
des
du
de
et
est
sont
ce
cette
ces
ça
ca
je
tu
il
elle
nous
ils
elles
mon
ma
mes
son
sa
ses
notre
nos
leur
leurs
qui
que
quoi
dans
pour
avec
sur
chez
par
ou
où
donc
car
plus
très
aussi
déjà
toujours
tout
tous
toute
toutes
beaucoup
peu
oui
non
bonjour
salut
été
était
ai
avons
avez
ont
au
aux
y
c'est
j'ai
qu'il
d'un
d'une
l'on
moi
lui
eux
cela
celle
celui
ceux
comme
quand
comment
pourquoi
combien
quel
quelle
demain
hier
aujourd'hui
semaine
matin
soir
samedi
dimanche
lundi
mardi
mercredi
jeudi
vendredi
vélo
vélos
merci
voir
fait
faire
aller
venir
peut
faut
vais
va
vont
suis
chui
jsuis
j'suis
tkt
svp
stp
bah
ben
hein
quoi
voilà
alors
encore
avant
après
depuis
pendant
vers
entre
sous
même
autre
chaque
rien

[boosters]
très 0.3
trop 0.4
vraiment 0.3
hyper 0.4
super 0.4
grave 0.4
tellement 0.4
beaucoup 0.3
vraiment beaucoup 0.5
si 0.2
tant 0.2
extrêmement 0.5
absolument 0.4
complètement 0.4
totalement 0.4
carrément 0.4
vachement 0.4
franchement 0.2
particulièrement 0.3
ultra 0.4
méga 0.4
archi 0.4
bien 0.2
vraiment très 0.5
tout simplement 0.3
juste 0.2
assez 0.1
plutôt -0.1
un peu -0.4
un petit peu -0.5
légèrement -0.4
moyennement -0.5
presque -0.2
limite -0.2
parfois -0.2
quand même 0.1
du tout 0.3 +post
à fond 0.3 +post
pure 0.3
pur 0.3
totale 0.3
énorme 0.3

[enough]
assez
suffisamment

[contrast]
mais
par contre
cependant
pourtant
toutefois
néanmoins
en revanche
sauf que
sauf
seul bémol
seul hic
le problème c'est que
dommage que

[concessive]
même si
bien que
malgré
quoique
certes
alors que

[irony]
c'est ça oui -1.5
c'est ça ouais -1.5
ben voyons -1.5
mais bien sûr -1.5
bien sûr oui -1.5
merci pour rien -1.5
quelle surprise -1.5
comme par hasard -1.5
on n'arrête pas le progrès -1.5
c'est beau le progrès -1.5
bravo le progrès -1.5
ah bah bravo -1.5
bah bravo -1.5
ah ben bravo -1.5
ben bravo -1.5
merci du cadeau -1.5

[repetition]
encore
toujours
comme d'hab
comme d'habitude
comme toujours
une fois de plus
encore une fois
de nouveau
à nouveau
énième
encore un
encore une
re
again

[impatience]
enfin
un jour
ou pas
oui ou non
quand même
depuis quand
toujours pas
toujours rien

[us]
vous
votre
vos
vs
tu
toi
ton
ta
tes
t
te
vous-même
vous-mêmes
chez vous
votre équipe

[offer]
expérience
atelier
ateliers
boutique
magasin
service
services
service client
sav
accueil
prix
tarif
tarifs
tarification
appli
application
site
site web
article
post
publication
billet
produit
produits
commande
commandes
livraison
colis
équipe
personnel
staff
bénévole
bénévoles
vendeur
vendeuse
serveur
serveuse
caissier
caissière
mécanicien
mécano
cours
stage
séance
séances
sortie
balade
événement
évènement
soirée
spectacle
pièce
concert
expo
exposition
représentation
menu
carte
formule
plats
plat
portions
repas
pain
croissant
croissants
café
gâteau
brioche
viennoiseries
boulangerie
resto
restaurant
librairie
abonnement
adhésion
cotisation
newsletter
vidéo
marque
direction
organisation
organisateurs
réservation
inscription
inscriptions
formulaire
billetterie
horaires
ouverture
mail
mails
email
téléphone
standard
qualité
communication
com
titre
journal
rédaction
journaliste
décision
choix
mise à jour
version
logiciel
doc
documentation
projet
asso
association
club
mur
salle
local
vestiaire
vestiaires
prises
créneau
créneaux
option
fonctionnalité
interface
page
lien
programme
offre
promo
réduction
remboursement
facture
devis
réparation
réparations
dépannage
mairie
conseil municipal
nouvelle formule
nouveau menu

[elsewhere]
immobilier
rue
victimes
victime
ce qui s'est passé
météo
pluie
pleut
pleuvoir
neige
neiger
vent
chaleur
canicule
orage
grêle
flotte
tempête
inondation
brouillard
verglas
circulation
trafic
bouchons
bouchon
embouteillage
embouteillages
périph
périphérique
autoroute
voiture
voitures
automobiliste
automobilistes
conducteur
conducteurs
chauffeur
camion
camions
bus
tram
métro
train
ter
sncf
ratp
tcl
grève
grèves
travaux
chantier
trottinette
trottinettes
scooter
scooters
stationnement
garé
garée
garés
garées
garent
stationné
gouvernement
ministre
politique
politiques
président
patron
boss
employeur
propriétaire
proprio
bailleur
voisin
voisins
voisine
assurance
assurances
assureur
banque
opérateur
impôts
loyer
loyers
inflation
beurre
essence
carburant
windows
microsoft
google
facebook
amazon
apple
twitter
voleur
voleurs
vol
vols
volé
volés
volée
volées
cambriolage
cambrioleurs
vandalisme
vandales
vandalisé
délinquants
agression
accident
chute
blessure
crevaison
crevé
crevés
maladie
hôpital
genou
genoux
jambes
dos
commentaires
trolls
actu
actualité
cyclistes
piétons
d'en face
en face
quartier
lundi matin

[sympathy]
courage
bon courage
courage à vous
condoléances
toutes mes condoléances
repose en paix
rip
pensées
je pense à vous
soutien
tout mon soutien
de tout cœur avec vous
force à vous
force à
prompt rétablissement
bon rétablissement
désolé pour
désolée pour
désolés pour
désolé pour vous
navré pour
navrée pour
désolé d'apprendre
désolée d'apprendre
triste d'apprendre
prenez soin
prends soin
solidarité
on est avec vous
je compatis

[fillers]
bonjour
bonsoir
salut
coucou
hello
hey
bjr
slt
cc
et
alors
donc
du coup
sinon
et sinon
ah
oh
euh
bon
ok
d'accord
oui
non
svp
stp
s'il vous plaît
s'il te plaît
excusez-moi
question
petite question
une question
j'ai une question
mais
par contre
au fait
dites
dis
tiens
merci
hâte
super
génial
top
re
madame
monsieur
bravo
ps

[subordinators]
que
qu
qui
parce
car
lorsque
quand
si

[pronouns]
je
tu
il
elle
on
nous
vous
ils
elles

[exclaim]
quel
quelle
quels
quelles
que
comme

[question_openers]
est ce que|qu
qu est ce que|qu|qui
c est quand|ou|combien|quoi|qui
c est a quelle heure
c est pour quand
ca commence|ouvre|ferme|finit|reprend|se quand|ou
ca se passe quand|ou
quand est|c|ouvr*|commenc*|aura|sera|reprend*|sort*|rouvr*|pourra*|peut|faut|recommenc*|arriv*|aur*
ou est|sont|se|peut|peuvent|faut|trouver|acheter|s|en|trouve*|peut on
comment on|fait|faire|peut|s|ca|je|est|puis|pourrais|pourrait|fonctionne|marche|proceder|contribuer|participer|reserver
combien
pourquoi
quel|quelle|quels|quelles est|sont|heure|jour|date|horaire|horaires|prix|tarif|tarifs|age|taille
y a t il
y aura t il
il y a moyen
y a moyen
est il|elle possible
serait il|ce possible
vous auriez|pourriez|sauriez
tu aurais|pourrais|saurais
il reste des places
reste t il

[question_cues]
je me demandais si|s
je me demande si|s
je voulais savoir
je voudrais savoir
j aimerais savoir
je souhaiterais savoir
savoir si|s|quand|ou|comment|combien
quelqu un sait|saurait|aurait|a
qqn sait|saurait|aurait
qqun sait
vous savez si|s|quand|ou|comment|combien
tu sais si|s|quand|ou|comment|combien
a quelle heure
quelle heure
quel jour
quelle date
quel horaire
quels horaires
combien coute|coutent|ca
une idee de
est ce que|qu
est ce
merci de me dire
dites moi si|s|quand|ou|comment|combien
pourriez vous|pouvez vous me dire|indiquer|preciser|confirmer

[rhetorical]
^ qui * encore -1
^ qui fait ca|ça -1
^ qui fait des trucs pareils -1
pourquoi * pas etonn*|surpris* -2
pourquoi * etonn*|surpris* pas -2
^ serieux|serieusement|sérieux $ -1.5
^ vraiment $ -0.5
^ non mais $ -1
vous etes serieux|serieuses|serieuse -2
c est une blague|plaisanterie -2
vous plaisantez|rigolez -2
tu plaisantes|rigoles -2
on se moque|fout|fiche de qui -2.5
vous vous moquez|foutez|fichez -2.5
on marche sur la tete -2.5
comment est ce possible -2
comment c est possible -2
non mais allo -2
a quoi bon -1.5
qui s en soucie -1
que demander de plus 2.5
quoi de mieux 2
qui dit mieux 2
pourquoi pas 0.5
n est ce pas 0
et alors $ -0.5
c est pas beau|genial|top|magnifique|super|trop bien ca 2
c est pas beau|genial|top|magnifique|super 2
c est pas mignon 2
elle est pas belle la vie 2.5

[exclamatives]
quel|quelle|quels|quelles bonheur|joie|plaisir|horreur|tristesse|galere|honte|chance|merveille|beaute|surprise|idee
que c est
