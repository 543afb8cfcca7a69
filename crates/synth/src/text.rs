//! Texts of generated posts and replies, in French and English.

/// A theme the community talks about.
pub struct Topic {
    pub name: &'static str,
    /// Hashtag without `#`, as written in posts.
    pub tag: &'static str,
    pub fr: &'static [&'static str],
    pub en: &'static [&'static str],
}

/// `{tag}` in a template is where the hashtag goes.
pub const TOPICS: &[Topic] = &[
    Topic {
        name: "velotaf",
        tag: "velotaf",
        fr: &[
            "Ce matin, 12 km de piste cyclable sous le soleil. Qui d'autre fait son trajet à vélo ? #{tag}",
            "Nouveau parking vélo sécurisé devant l'atelier, venez l'essayer ! #{tag}",
            "Aller au travail à vélo, c'est 20 minutes de bonne humeur. #{tag}",
            "Nos conseils pour rouler sous la pluie sans arriver trempé #{tag}",
        ],
        en: &[
            "12 km of bike lane this morning and a smile at the end. Who else commutes by bike? #{tag}",
            "New secure bike parking in front of the workshop, come and try it! #{tag}",
            "Riding to work: twenty minutes of good mood, every day. #{tag}",
            "Our tips for riding in the rain without arriving soaked #{tag}",
        ],
    },
    Topic {
        name: "reparation",
        tag: "réparation",
        fr: &[
            "Atelier d'auto-réparation samedi : freins, dérailleurs et chambres à air. #{tag}",
            "Changer une chaîne en 10 minutes, notre tuto pas à pas #{tag}",
            "On répare, on ne jette pas : 40 vélos remis en route ce mois-ci. #{tag}",
            "Les outils indispensables pour entretenir son vélo à la maison #{tag}",
        ],
        en: &[
            "Self-repair workshop on Saturday: brakes, derailleurs and inner tubes. #{tag}",
            "Change a chain in 10 minutes: our step-by-step guide #{tag}",
            "Repair, don't throw away: 40 bikes back on the road this month. #{tag}",
            "The tools you need to look after your bike at home #{tag}",
        ],
    },
    Topic {
        name: "urbanisme",
        tag: "urbanisme",
        fr: &[
            "La ville a voté 15 km de nouvelles pistes cyclables. Enfin ! #{tag}",
            "Quelle place pour le vélo dans le futur quartier de la gare ? #{tag}",
            "Réunion publique jeudi sur le plan de circulation, venez nombreux. #{tag}",
            "Moins de voitures, plus de vélos : les chiffres de l'année #{tag}",
        ],
        en: &[
            "The city voted 15 km of new bike lanes. Finally! #{tag}",
            "What room for bikes in the new station district? #{tag}",
            "Public meeting on Thursday about the traffic plan, come along. #{tag}",
            "Fewer cars, more bikes: this year's numbers #{tag}",
        ],
    },
    Topic {
        name: "cargo",
        tag: "vélocargo",
        fr: &[
            "Le vélo-cargo, c'est 2 enfants et les courses sans voiture. #{tag}",
            "Essai gratuit de vélos-cargos tout le week-end à l'atelier #{tag}",
            "Livrer en ville en vélo-cargo : le retour d'expérience d'un artisan #{tag}",
            "Aides à l'achat d'un vélo-cargo : ce qui change cette année #{tag}",
        ],
        en: &[
            "A cargo bike means two kids and the groceries, no car needed. #{tag}",
            "Free cargo bike test rides all weekend at the workshop #{tag}",
            "Delivering in town by cargo bike: a tradesman's story #{tag}",
            "Cargo bike purchase grants: what changes this year #{tag}",
        ],
    },
];

/// A text with the label a careful reader gives it: `positive`, `neutral`,
/// `negative` (not about us) or `critique` (negative about us), and whether
/// it asks us a question. The conversation analyses are checked against these.
#[derive(Clone, Copy, Debug)]
pub struct Labelled {
    pub text: &'static str,
    pub label: &'static str,
    pub question: bool,
}

const fn l(text: &'static str, label: &'static str, question: bool) -> Labelled {
    Labelled {
        text,
        label,
        question,
    }
}

/// Replies people write under our posts.
pub const REPLIES_FR: &[Labelled] = &[
    l("Super idée, merci !", "positive", false),
    l("Pas mal du tout, j'adore l'atelier 😍", "positive", false),
    l("C'est à quelle heure samedi ?", "neutral", true),
    l("Où peut-on s'inscrire ?", "neutral", true),
    l("Trop cher pour moi, dommage.", "critique", false),
    l(
        "Franchement décevant, l'accueil était nul la dernière fois.",
        "critique",
        false,
    ),
    l("Merci pour le tuto, très clair.", "positive", false),
    l("Je viendrai avec mon fils !", "neutral", false),
];

pub const REPLIES_EN: &[Labelled] = &[
    l("Great idea, thanks!", "positive", false),
    l("Love this workshop 😍", "positive", false),
    l("What time on Saturday?", "neutral", true),
    l("Where can I sign up?", "neutral", true),
    l("Too expensive for me, sadly.", "critique", false),
    l(
        "Honestly disappointing, nobody answered my emails.",
        "critique",
        false,
    ),
    l("Thanks for the guide, very clear.", "positive", false),
    l("I'll come with my daughter!", "neutral", false),
];

/// What people write when they quote our posts: French, then English.
pub const QUOTES: &[Labelled] = &[
    l("Excellent, à lire et à partager 👇", "positive", false),
    l("Worth a read 👇", "positive", false),
];

/// Readers' comments on the blog.
pub const BLOG_COMMENTS_FR: &[Labelled] = &[
    l("Merci pour cet article, très utile !", "positive", false),
    l(
        "Pas mal du tout ce tuto, je l'ai suivi hier soir.",
        "positive",
        false,
    ),
    l(
        "Est-ce que l'atelier est ouvert pendant les vacances ?",
        "neutral",
        true,
    ),
    l(
        "Combien coûte l'adhésion à l'association ?",
        "neutral",
        true,
    ),
    l("Je passerai samedi avec mon vélo.", "neutral", false),
    l(
        "Encore une semaine de pluie, aucune envie de rouler 😢",
        "negative",
        false,
    ),
    l(
        "Les automobilistes de mon quartier sont vraiment dangereux.",
        "negative",
        false,
    ),
    l(
        "Votre article est plein d'erreurs, c'est décevant.",
        "critique",
        false,
    ),
    l(
        "Toujours fermé quand je passe, vous n'êtes jamais là.",
        "critique",
        false,
    ),
    l(
        "Bravo pour le travail, continuez comme ça 👏",
        "positive",
        false,
    ),
];

pub const BLOG_COMMENTS_EN: &[Labelled] = &[
    l("Thanks for this post, really helpful!", "positive", false),
    l("Do you also fix electric bikes?", "neutral", true),
    l("I read it on the train this morning.", "neutral", false),
    l(
        "The traffic on my street is awful these days.",
        "negative",
        false,
    ),
    l(
        "Your booking page has been broken for a week, very frustrating.",
        "critique",
        false,
    ),
];

pub const OWN_ANSWERS_FR: &[&str] = &[
    "Merci à vous ! À samedi 🙂",
    "Les inscriptions sont sur notre site, lien en bio.",
    "Ça commence à 10 h, venez quand vous voulez.",
];

pub const OWN_ANSWERS_EN: &[&str] = &[
    "Thank you! See you on Saturday 🙂",
    "Sign-ups are on our website, link in bio.",
    "It starts at 10 am, drop by any time.",
];

/// Engagement-pod replies: generic praise.
pub const POD_REPLIES: &[&str] = &[
    "Great post! 🔥",
    "So true 👏",
    "Love this!!",
    "Amazing content 💯",
    "Totally agree 🙌",
];

pub const BOT_TEXTS: &[&str] = &[
    "Win a free e-bike today! Click the link in bio 🚲💰",
    "Best deals on bike parts, 80% off, limited time!!!",
];

pub const OTHER_POSTS: &[&str] = &[
    "Sortie vélo du dimanche, 60 km dans les monts du Lyonnais.",
    "Sunday ride, 60 km in the hills. Legs are done.",
    "Quelqu'un connaît un bon atelier près de la Croix-Rousse ?",
    "Anyone know a good bike shop near the station?",
    "Ma ville vient d'ouvrir une vélorue, quel bonheur.",
    "Finally fixed my gears myself. Proud moment.",
];

/// Fills a template: the text and the byte range of the hashtag (`#` included).
pub fn fill(template: &str, tag: &str) -> (String, Option<(usize, usize)>) {
    match template.find("#{tag}") {
        Some(i) => {
            let mut s = String::with_capacity(template.len() + tag.len());
            s.push_str(&template[..i]);
            let start = s.len();
            s.push('#');
            s.push_str(tag);
            let end = s.len();
            s.push_str(&template[i + "#{tag}".len()..]);
            (s, Some((start, end)))
        }
        None => (template.to_owned(), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn facet_ranges_are_utf8_byte_offsets_of_the_hashtag() {
        for t in TOPICS {
            for tpl in t.fr.iter().chain(t.en) {
                let (text, range) = fill(tpl, t.tag);
                let (a, b) = range.expect("every topic template has a hashtag");
                assert_eq!(&text[a..b], format!("#{}", t.tag));
            }
        }
    }
}
