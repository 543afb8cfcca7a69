# English lists for levain-text.
#
# Where these choices come from: written by hand for levain from everyday
# English as it is typed in replies to local organisations (shops, clubs,
# venues, newsrooms, open-source projects), British and American spellings
# and the usual shorthand (tbh, ngl, thx, smh). Valences use VADER's scale,
# −4 … +4 (Hutto & Gilbert, 2014), set by hand rather than copied from
# VADER's list; they were checked against data/sentiment/en-dev.tsv only
# (never the test set). Entries are folded like replies ("don't" → dont,
# "it's" → it is), and inflections are found by stem ("disappointing").
#
# Format: a word or phrase, then numbers, then +tags (see src/lexicon.rs).
# In [sentiment], a second number is the valence under negation when it is
# not simply the reverse ("arrived": neutral; "never arrived": a complaint).

[sentiment]
# --- praise ---
good 2
great 3
awesome 3.2
amazing 3.2
excellent 3.2 +exact
fantastic 3.2
wonderful 3.2 +exact
brilliant 3
superb 3.2
perfect 3
perfection 3
outstanding 3.2
incredible 3
fabulous 3
terrific 3
stellar 3
splendid 3
magnificent 3
phenomenal 3.2
gorgeous 3
stunning 3
beautiful 2.8
lovely 2.8
pretty 1.5
cute 2
adorable 2.5
nice 2
cool 2
neat 1.5
sweet 2
fine 0.8 +exact
decent 1.2
solid 1.5
delicious 3
tasty 2.5
yummy 2.5
yum 2
scrumptious 3
best 3.2
better 1.8
improved 1.5
improvement 1.5
love 3
loved 3
loving 3
lovin 3
adore 3
enjoy 2.2
enjoyed 2.2
enjoyable 2.2
fun 2
funny 2
hilarious 2.5
glad 2
happy 2.7
pleased 2.2
delighted 3
thrilled 3
excited 2.5
exciting 2.5
proud 2.3
grateful 2.8
thankful 2.8
thanks 2 +thanks
thank 2 +thanks
thank you 2.5 +thanks
thx 2 +thanks
tysm 2.5 +thanks
cheers 1.5 +thanks
appreciate 2.5 +thanks
appreciated 2.5 +thanks
kudos 2.5
congrats 2.8
congratulations 2.8
bravo 2.5
well done 2.8
good job 2.5
great job 3
nice job 2.5
nice work 2.5
great work 3
good work 2.5
nice one 2
good call 2
respect 2
legend 2.5
legends 2.5
hero 2.5
heroes 2.5
rock 1.5
rocks 2
dope 2 +exact
unreal 2
epic 2.5
helpful 2.2
friendly 2.2
welcoming 2.2
kind 2 +exact
# Plurals that are other words, with no valence of their own.
kinds 0
fines 0
patients 0
kindness 2.5 +exact
patient 1.5 +exact
professional 2
efficient 2
quick 1.5
fast 1
speedy 1.5
reliable 2
clear 1.2
useful 2 +exact
handy 1.5
smooth 1.5
easy 1.5
comfortable 1.8
cozy 2
cosy 2
clean 1.5
tidy 1.5
fresh 1.5 -1.5
worth 1.5
worth it 2.5
recommend 2.5 -2
recommended 2.5 -2
impressed 2.5
impressive 2.5
inspiring 2.5
informative 2 +exact
interesting 2 +exact
insightful 2.5
thorough 2
thoroughly 1.5
well researched 2.5
well written 2.5
well organised 2.5
well organized 2.5
spot on 2.5
on point 2
top notch 3
five stars 3
win 2 +exact
winner 2
success 2
successful 2
saved 1.5 +exact
lifesaver 3
life saver 3
gem 2.5
treat 1.5 +exact
joy 2.5
bless 2
blessed 2
wow 2
yay 2.5
yes 1
hooray 2.5
woohoo 2.5
finally 1
cant wait 2.5
can not wait 2.5
looking forward 2.5
made my day 3
makes my day 3
hands down 1
no contest 1
step forward 1.5
way better 2
lol 0.8
lmao 1
haha 1.5
omg 1
legit 1
chefs kiss 3
like a dream 2
dream 1.5
favourite 2.5
favorite 2.5
fave 2
gold 1.5
enjoying 2.2
smile 1.5
smiling 1.5
warm 1
welcome 1.5
genius 2.5
clever 2
smart 1.5
talented 2.5
skilled 2 +exact
generous 2.5
supportive 2.5
honoured 2.5
honored 2.5
privilege 2
glorious 3
fantastically 3
nailed it 3
nailed 2.5 +exact
killed it 2.5
crushed it 2.5
hell yeah 2.5
heck yeah 2.5
count me in 2
i like 1.5
we like 1.5
like it 1.5
really like 2
big step forward 2.5
exactly the kind 2
exactly what 2
exactly what we need 2.5
would recommend 2.5
highly recommend 3
will order again 2
order again 1.5
come again 1.5
be back 1.5
coming back 1.5
will be back 2
wasnt half bad 1.5
isnt half bad 1.5
not half bad 1.5
cant fault 2
couldnt be happier 3
couldnt be better 3
cant be happier 3
couldnt ask for more 3
couldnt ask for better 3
cant complain 1.5
no complaints 2
love it 3
love this 3
problem solved 2
all sorted 2
sorted 1.5 +exact
solved 1.5
fixed 1
fix 0.5
works 0.5 -2
working 0.5 -2
worked 0.5 -2
work 0 -2
arrived 0.5 -2
received 0 -2
answer 0 -1.5
answered 0 -1.5
answering 0 -1.5
reply 0 -1.5
replied 0 -1.5
replying 0 -1.5
respond 0 -1.5
responded 0 -1.5
response 0 -1.5
help 1 -1.5
helped 1.5 -1.5
helps 1 -1.5
if that helps 0
if it helps 0
support 1
supporting 1.5
free 1 +exact
worth the wait 2
in the best way 2.5
# --- praise by domain: shows, food, writing, software ---
magical 2.5
magic 2
spectacular 3
breathtaking 3
mesmerising 3
mesmerizing 3
captivating 2.5
gripping 2.5
moving 1.5
powerful 2
masterpiece 3
standing ovation 3
crispy 1.5
fluffy 1.5
moist 1
flaky 0
well documented 2.5
lgtm 1.5
rock solid 2.5
stable 1 -1.5
intuitive 2
seamless 2
snappy 1.5
essential 1.5
invaluable 3
relevant 1.5 -1.5
up to date 0.5 -1.5
about time 1

# --- problems, complaints, blame ---
bad -2.5
terrible -3 +world
awful -3 +world
horrible -3 +world
horrendous -3.5 +world
dreadful -3 +world
atrocious -3.5
appalling -3.5
abysmal -3.5
pathetic -3
poor -2
poorly -2
mediocre -2
meh -1.5
worse -2.5
worst -3.5
sucks -3
suck -3
sucky -2.5
crap -3
crappy -3
shit -3
shitty -3
garbage -3
trash -3
rubbish -3
junk -2.5
useless -2.5
pointless -2
disappointing -2.5
disappointed -2.5
disappointment -2.5
letdown -2.5
let down -2
frustrating -2.5 +world
frustrated -2.5 +world
annoying -2.5 +world
annoyed -2 +world
irritating -2.5 +world
infuriating -3 +world
furious -3 +world
fuming -3 +world
angry -2.5 +world
mad -2 +world
upset -2 +world
livid -3 +world
outraged -3 +world
outrageous -3
ridiculous -2.5
absurd -2
joke -1.5
what a joke -2.5
unacceptable -3
disgraceful -3
disgrace -3
shameful -3
shame -1.5 +sad
what a shame -1.5 +sad
shame on you -3
scandal -2.5
scandalous -3
scam -3
ripoff -3
rip off -3
overpriced -2.5
pricey -1.5
expensive -1.5 +exact
steep -1
extortionate -3
greedy -2.5
rude -2.5
unprofessional -2.5
incompetent -3
careless -2
lazy -2
arrogant -2.5
dismissive -2
unfriendly -2
unhelpful -2.5
hostile -2.5
slow -1.5
delay -1.5
delayed -1.5
delays -1.5
too late -1.5
still waiting -2
still not -1.5
still no -1.5
broken -2
broke -1.5
bug -1.5
bugs -1.5
buggy -2
crash -2
crashes -2
crashed -2
crashing -2
glitch -1.5
glitchy -2
error -1.5
errors -1.5
mistake -1.5
mistakes -1.5
wrong -2
failed -2
fail -2
failure -2.5
faulty -2
fault -1.5
issue -1 +exact
issues -1 +exact
problem -1.5
problems -1.5
trouble -1.5
hassle -2
nightmare -3 +world
mess -2.5
messy -2
chaos -2.5
chaotic -2.5
disorganised -2.5
disorganized -2.5
badly -2
badly organised -2.5
poorly planned -2.5
cancelled -1.5
canceled -1.5
cancellation -1.5
closed -0.4 +exact
lost -1.5
lose -1.5
loses -1.5
missing -1.5
missed -1.5
stolen -2 +world
theft -2 +world
stole -2 +world
robbed -2.5 +world
dirty -2
disgusting -3
gross -2.5
filthy -3
smelly -2
uncomfortable -2
cramped -1.5
noisy -1.5
dry -1
stale -2
lukewarm -1.5
burnt -2
soggy -2
bland -1.5
tasteless -2
inedible -3
misleading -2.5
clickbait -2.5
fake -2
lies -2.5 +exact
lying -2.5
liar -3
not gonna lie 0
not going to lie 0
ngl 0
tbh 0
false -1.5
inaccurate -2
biased -2
boring -2
dull -2
tedious -2
confusing -2
confused -1.5
complicated -1.5
difficult -1
impossible -1.5
unclear -1.5
sad -2 +sad
so sad -2.5 +sad
sadly -1.5 +sad
unfortunately -1.5 +sad
unfortunate -1.5 +sad
heartbreaking -3 +sad
heartbroken -3 +sad
devastating -3 +sad
devastated -3 +sad
tragic -3 +sad
tragedy -3 +sad
depressing -2.5 +sad
depressed -2.5 +sad
feeling down -2 +sad
gutted -2.5 +sad
grief -3 +sad
rip -2 +sad
died -2.5 +sad
death -2.5 +sad
passed away -2.5 +sad
loss -2 +sad
cry -2 +sad
crying -2 +sad
miss -1 +sad
will miss -1.5 +sad
sorry -1
sorry but 0
sorry to hear -1.5
so sorry -1.5
sorry about -1
sorry you -1
sorry for your -1.5
scary -2.5 +world
scared -2 +world
afraid -1.5 +world
fear -2 +world
dangerous -2.5 +world
danger -2 +world
lethal -3 +world
deadly -3 +world
worried -1.5 +world
worry -1.5 +world
worrying -2 +world
concerned -1.5 +world
stress -1.5 +world
stressful -2 +world
stressed -1.5 +world
exhausting -2 +exact +world
exhausted -1.5 +exact +world
tired -1.5 +exact +world
sick of -2.5 +world
sick and tired -3 +world
sick -1 +world
ill -1.5 +world
injured -2 +world
hurt -2 +world
pain -2 +world
painful -2 +world
killing me -2 +world
hate -3 +world
hated -3 +world
hates -3 +world
hating -3 +world
dislike -2
ugh -2 +world
argh -2 +world
grr -2 +world
sigh -1.5 +world
damn -1.5 +world
dammit -2 +world
wtf -2.5 +world
ffs -2.5 +world
smh -1.5 +world
yikes -1.5 +world
oof -1 +world
ouch -1.5 +world
eww -2 +world
ew -2 +world
boo -1.5
bummer -2
nope -1
no thanks -1.5
no thank you -1.5
waste -2.5
wasted -2.5
waste of money -3
waste of time -3
dont bother -2.5
never again -2.5
third time -1.5
again and again -1.5
went up -1
price hike -2
cost double -1.5
took ages -1.5
took forever -2
no notice -1
without notice -1.5
without warning -1.5
complaint -1.5
complaints -1.5
complain -1.5
not impressed -2
skipping -1 +exact
scratch -1
scratched -1.5
damaged -2
dented -1.5
refused -1.5
refuse -1.5
denied -1.5
rejected -1.5
shaken -1.5 +world
doored -2 +exact +world
not what i expected -1
weak -1.5
# --- problems by domain: shows, writing, software ---
dragged -1.5
drags -1.5
regression -2
regressions -2
breaking change -1.5
deprecated -1
outdated -1.5
obsolete -1.5
bloated -2
memory leak -2
segfault -2.5
propaganda -2.5
fake news -2.5
typo -1
typos -1
paywall -1.5
behind a paywall -1.5
out of stock -1
waste of taxpayers money -3
not enough -1.5
should have -1
should of -1
please stop -1.5
stop posting -2
unfollow -2
unfollowed -2
unsubscribe -1.5
unsubscribed -1.5
told 0 -1
informed 0 -1.5
false advertising -2.5
as advertised 1 -2
forgot -1
forgotten -1
long wait -1.5
long queue -1.5
long queues -1.5
waited ages -2
understaffed -2
overcrowded -1.5
condescending -2.5
patronising -2.5
patronizing -2.5
unanswered -2
arrived late -1.5
started late -1.5
sticky -1
hard to find -1
went downhill -2.5
gone downhill -2.5
not what it used to be -2
used to be better -2
unimpressed -2
why is there no -1
# --- complaints about service, quality, prices (blame) ---
# Closed whenever one comes: a complaint, unlike a one-off closure notice.
always closed -2
never open -2 +negated
no update -1.5
no updates -1.5
no follow up -1.5
radio silence -2
ghosted -2
chased -1
chasing -1
still nothing -2
still no word -2
unreachable -2
hung up -2
brushed off -2
fobbed off -2
runaround -2
acceptable 0.5 -2
poor show -2
shambles -2.5
shambolic -2.5
farce -2.5
fiasco -3
clown show -2.5
amateurish -2
amateur hour -2
sloppy -2
shoddy -2.5
subpar -2
sub par -2
second rate -2
half baked -2
negligent -2.5
unsafe -2
unhygienic -2.5
unsanitary -2.5
mouldy -2.5
moldy -2.5
undercooked -2
overcooked -1.5
greasy -1.5
too salty -1.5
flavourless -2
flavorless -2
watery -1.5
tiny portions -1.5
stingy -2
measly -2
overcharged -2.5
overcharging -2.5
charged twice -2
hidden fees -2
daylight robbery -3
highway robbery -3
ripped off -3
cash grab -2.5
money grab -2.5
greed -2
out of order -1.5
offline -1
outage -2
glitching -2
freezes -1.5
lags -1.5
cant log in -2
cant login -2
logged out -1
error message -1.5
tone deaf -2.5
out of touch -2
hypocritical -2.5
hypocrisy -2.5
dishonest -2.5
nonsense -2
bs -2.5
bullshit -3
ludicrous -2.5
unfair -2
unjust -2
regrettable -2
blows -2
lame -2
clueless -2
# --- how it feels and how the world is (not blame unless aimed at us) ---
shocking -2.5 +world
shocked -2 +world
horrified -2.5 +world
horrifying -3 +world
disturbing -2.5 +world
alarming -2 +world
troubling -2 +world
sickening -3 +world
exasperating -2.5 +world
maddening -2.5 +world
fed up -2.5 +world
tired of -2 +world
had enough -2 +world
enough is enough -2.5 +world
cant stand -2.5 +world
unbearable -3 +world
intolerable -3 +world
grim -2 +world
bleak -2 +world
gloomy -1.5 +world
miserable -2.5 +world
misery -2.5 +world
hideous -2.5 +world
ugly -2 +world
eyesore -2 +world
grimy -2 +world
littered -1.5 +world
litter -1 +world
reckless -2.5 +world
speeding -1.5 +world
close pass -2 +world
near miss -2 +world
knocked off -2 +world
vandalised -2.5 +world
vandalized -2.5 +world
smashed -2 +world
burgled -2.5 +world
mugged -2.5 +world
assaulted -3 +world
attacked -2.5 +world
threatened -2 +world
harassed -2.5 +world
abusive -2.5 +world
racist -3 +world
sexist -3 +world
toxic -2.5 +world
hateful -3 +world
nasty -2.5 +world
vile -3 +world
cruel -3 +world
heartless -2.5 +world
selfish -2.5 +world
entitled -2 +world
idiots -2.5 +world
idiot -2.5 +world
morons -2.5 +world
stupid -2.5 +world
dumb -2 +world
lonely -2 +sad
unwell -1.5 +sad
puncture -1.5 +world
flat tyre -1.5 +world
flat tire -1.5 +world
stranded -2 +world
soaked -1.5 +world
drenched -1.5 +world
freezing -1 +world
boiling -1 +world
knackered -1.5 +world
shattered -1.5 +world
bummed -2 +sad
fml -2.5 +sad
gah -1.5 +world
oh no -1.5 +sad
oh dear -1.5 +sad
oops -0.5
pity -1 +sad
what a pity -1.5 +sad
too bad -1 +sad
regret -1.5
regrets -1.5
no regrets 2
second to none 3
hard to beat 2.5
praise 2
could have been better -1.5
could be better -1.5
left a lot to be desired -2
leaves a lot to be desired -2
to be desired -2
expected more -1.5
expected better -1.5
room for improvement -1.5
needs improvement -1.5
needs work -1
without telling -1.5
without telling anyone -1.5
slaps 2.5
obsessed 2.5
fan 1.5
big fan 2.5
huge fan 3
cant get enough 3
cant get enough of 3
through the roof -2
not what i paid for -2.5
not what we paid for -2.5
mid -1.5
at best -1
rest in peace -2 +sad
listen 0 -1.5
listens 0 -1.5
listened 0 -1.5
cant make it -1 +sad
wont make it -1 +sad
wholesome 2.5
heartwarming 2.5
uplifting 2.5
gotten smaller -1.5
got smaller -1.5
misrepresents -2.5
misrepresent -2.5
misrepresented -2.5
misinformation -2.5
one sided -2
sensationalist -2.5
hit piece -2.5
on hold -1.5
disappeared -1.5
vanished -1.5
removed -1.2
remove -0.8
why would you -1
when will this stop -1.5
when will it stop -1.5
when will this end -1.5
hit by -2 +world
going up -1
blast 2
had a blast 3
fair play 2
is down -1.5
was down -1.5
down again -2
nobody came -2
no one came -2
nobody showed up -2
waited -0.5
rough -1.5
feeling rough -2 +sad
heart goes out -1.5 +sad
condolences -1 +sad
my condolences -1.5 +sad
sincere condolences -1.5 +sad
have a nice day 0.5
have a good day 0.5
have a great weekend 1
lacking -1.5
lack of -1.5
rushed -1.5 +exact
overrated -2
underwhelming -2.5
underwhelmed -2.5
unreliable -2.5
unusable -3
laggy -2
clunky -2
awkward -1.5
embarrassing -2.5
cringe -2
insulting -3
offensive -2.5
disrespectful -2.5
ignored -2
ignore -1.5
ignoring -2
nobody answered -2
no one answered -2
no reply -2
no response -2
no answer -2
didnt check -1.5
not paying -1
impossible to -2
cant believe -1
unbelievable -1.5
ruined -3
ruin -2.5
ruins -2.5
destroyed -2.5
stuck -1.5 +world
hell -1.5 +world
killing -1.5
terrible news -3 +sad
bad news -2 +sad
awful news -3 +sad
sad news -2.5 +sad
too expensive -2.5
too slow -2
crazy -1.2

[negators]
not
no
never
dont
doesnt
didnt
isnt
arent
wasnt
werent
cant +enough
cannot +enough
can not +enough
couldnt +enough
wont
wouldnt
shouldnt
hasnt
havent
hadnt
aint
nor
neither
without
nothing
nobody
none
hardly
barely
never ever

[enough]
enough
more
more highly

[excess]
too
way too
far too
much too

[boosters]
very 0.3
really 0.3
so 0.3
super 0.4
extremely 0.5
totally 0.4
absolutely 0.4
incredibly 0.5
truly 0.3
such 0.3
too 0.3
pretty 0.3
way 0.3
crazy 0.4
insanely 0.5
ridiculously 0.4
seriously 0.3
genuinely 0.3
honestly 0.1
utterly 0.5
completely 0.4
highly 0.3
hugely 0.4
huge 0.3
massive 0.3
mega 0.4
ultra 0.4
especially 0.3
particularly 0.3
actually 0.1
just 0.1
quite 0.1
fairly -0.1
rather -0.1
a bit -0.4
a little -0.4
a little bit -0.5
a tad -0.4
kinda -0.3
kind of -0.3
sort of -0.3
sorta -0.3
somewhat -0.3
slightly -0.4
mildly -0.4
almost -0.2
at all 0.3 +post
so much 0.3 +post
a lot 0.2 +post
nothing but 0.3
pure 0.3
damn 0.3
hella 0.4
proper 0.2
well 0.1
big 0.2

[contrast]
but
however
although
that said
having said that
on the other hand
except
except that
only downside
the only thing
shame that
pity that
yet

[concessive]
even though
even if
though
despite
in spite of
while

[irony]
yeah right -1.5
yea right -1.5
ya right -1.5
thanks for nothing -1.5
what a surprise -1.5
surprise surprise -1.5
as if -1.5
oh great -1.5
oh wonderful -1.5
oh good -1.5
oh joy -1.5
oh perfect -1.5
just great -1.5
just perfect -1.5
just what we needed -1.5
what could possibly go wrong -1.5
love that for us -1.5

[repetition]
again
another
once again
yet again
as usual
as always
still
every single
every morning
every time
every day
not again
same old

[impatience]
ever
finally
actually
or not
at some point
someday
one day
yes or no
any time soon

[us]
you
your
yours
youre
yourself
yourselves
u
ur
yall
ya
you guys
you all

[offer]
experience
workshop
workshops
shop
store
service
customer service
staff
team
price
prices
pricing
fee
fees
app
website
site
page
booking
bookings
booking page
reservation
article
post
piece
headline
title
editor
reporting
paper
product
products
order
orders
delivery
parcel
package
shipping
menu
food
coffee
bread
croissant
croissants
cake
cakes
pastry
pastries
cafe
bakery
restaurant
kitchen
barista
waiter
waitress
mechanic
mechanics
volunteer
volunteers
desk
reception
class
classes
course
lesson
lessons
session
sessions
event
ride
tour
show
play
performance
cast
concert
exhibition
talk
seats
venue
gym
wall
routes
changing rooms
membership
subscription
newsletter
email
emails
phone
update
version
release
docs
documentation
project
repo
feature
features
config
migration guide
opening hours
hours
schedule
repair
repairs
quote
invoice
refund
policy
decision
management
organisers
organizers
organisation
organization
brand
logo
design
council
city council
clubhouse
club
library
bookshop
bookstore
theatre
theater
cinema
museum
market
stall

[elsewhere]
petrol
fuel
house prices
my back
my legs
my knees
flu
covid
council tax
street
road
ring road
victims
victim
weather
rain
raining
rainy
snow
snowing
wind
windy
heat
heatwave
heat wave
storm
flood
flooding
ice
icy
fog
traffic
congestion
roadworks
road works
potholes
pothole
drivers
driver
cars
car
suv
suvs
lorry
lorries
truck
trucks
van
vans
motorists
motorist
bus
buses
bus strike
train
trains
conductor
railway
strike
strikes
parked
parks
drive
driving
landlord
boss
employer
insurers
insurance
bank
government
politicians
minister
tax
taxes
rent
inflation
big tech
tech companies
courier
courier company
gas company
neighbours
neighbors
thieves
thief
stole
stolen
theft
robbed
burglary
break in
vandals
vandalism
accident
injury
knee
knees
legs
illness
hospital
monday
mondays
at work
after work
before work
because of work
from work
to work
news
world
cyclists
pedestrians
comments
trolls
windows
microsoft
google
facebook
amazon
twitter

[sympathy]
heart goes out
sorry to hear
so sorry
sorry for your
sorry about
sorry you
condolences
thoughts are with
thinking of you
sending love
sending strength
sending hugs
strength to
hugs
rip
rest in peace
get well
get well soon
speedy recovery
hang in there
take care
stay safe
here for you
heartfelt

[fillers]
hi
sure
yeah
yep
hello
hey
hiya
morning
good morning
evening
ok
okay
so
and
also
but
oh
ah
um
well
quick question
question
btw
please
pls
plz
excuse me
anyway
folks
guys
all
everyone
yes
thanks
thank you
cheers
great
awesome
amazing
love this
lovely
nice
sorry
dear
ps

[subordinators]
that
which
who
because
cause
when
if

[pronouns]
i
you
u
we
they
he
she
it
there
this
that
these
those
anyone
anybody
someone
somebody
everyone
the
a
an
my
your
our
their
his
her
its
any
yall
people
kids
children
one
dogs

[copulas]
is
are
was
were
am

[exclaim]
how
what

[function]
the
and
of
to
is
are
was
were
it
this
that
with
for
on
at
from
my
i
we
they
what
when
where
who
why
how
which
would
could
should
will
can
do
does
did
have
has
had
be
been
just
about
there
here
if
or
so
our
their
them
me
him
her
an
a
as
by
up
out
all
some
any
got
get
im
ive
its
thats
yesterday
today
tomorrow
week
morning
night
weekend
saturday
sunday
monday
friday
bike
bikes
thanks

[question_openers]
do|does|did i|you|u|we|they|he|she|it|this|that|these|those|anyone|anybody|someone|somebody|the|your|yall|any|people|kids|children|dogs
can|could|would|will|should|shall|may|might|must i|you|u|we|they|it|this|that|these|those|anyone|anybody|someone|somebody|the|your|yall|one|kids|children|dogs|people|there|he|she|my|our|my
have|has|had you|u|we|they|anyone|anybody|someone|the|it|your|i
what|when|where|how|who|why|which is|are|was|were|do|does|did|can|could|would|will|should|shall|may|am|has|have|time|day|days|date|kind|sort|size|about|age|happens|happened|if|s
how much|many|long|far|often|old|soon|early|late|big
which one|ones|day|days|time|times|tram|bus|stop|room|size|version|route|way|date|model|station|entrance|door|floor|level|class|session|group
any chance|idea|news|update|updates|word|info|plans|way|luck|ideas|tips|advice|recommendations
anyone|anybody|someone|somebody know|knows|have|got|tried|else|going|coming|using|here
does anyone|anybody
what time|day|date|about
when s|is|does|do|will|are|can|s
who do|does|is|can|should|would|will|to

[question_cues]
i was wondering
i am wondering
wondering if|whether|when|where|what|how
i wonder if|whether
can|could|would someone|anyone|anybody|you tell|let|confirm|advise|point|explain
does anyone|anybody know
anyone|anybody know
would like to know
like to know if|whether|when|where|what|how
want to know if|whether|when|where|what|how
do you know if|whether|when|where|what|how
please advise
any idea if|whether|when|where|what|how
is it possible to|for
what time
how much is|does|do|are|for
is there any|a|an
are there any

[rhetorical]
^ who even -1.5
^ who does|would|even that -1
^ who cares -1
^ who asked -1.5
why am i not surprised -2
why * not surprised -2
^ what did you|they expect -1.5
are you kidding|serious|joking -2
you kidding me -2
is this a joke -2
^ seriously|srsly|really $ -1.5
^ really $ -1
how is this|that|it even possible -1.5
how hard can it be -1.5
what could possibly go wrong -1.5
what could go wrong -1.5
what were you|they thinking -2
who thought * good idea -2
whats not to love|like 2.5
what is not to love|like 2.5
who doesnt love|like 2
what more could you|anyone|we ask for 2.5
why not 0.5
how good is|was that|this 2.5
right $ 0

[exclamatives]
what a|an
such a|an
what * a|an
