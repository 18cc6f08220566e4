//! What a query word reaches: its own inflections yes; derived words, longer words that
//! merely start with it and surnames built on it no (unless asked with `word*`); Kazakh
//! written in every Latin alphabet and with Russian letters; hyphenated Kazakh endings.

use super::fires;

#[test]
fn short_stems_do_not_fire_inside_other_words() {
    let rows = [
        ("лев", "Вратарь отбил удар левой ногой."),
        ("пол", "Зал был полный, мест не хватило."),
        ("мех", "Механик осмотрел двигатель."),
        ("волк", "Депутат Волков выступил с заявлением."),
        ("юг", "Южноказахстанский филиал закрыли."),
        ("митинг", "Аким выступил перед митингующими."),
        ("рот", "Активисты выступили против закона."),
        ("бос", "Ол бостандыққа шықты."),
        ("тер", "Тергеу аяқталды."),
    ];
    for (query, text) in rows {
        assert!(!fires(query, "", text), "{query} fired on: {text}");
    }
}

#[test]
fn inflections_still_match_and_star_asks_for_derivations() {
    let rows = [
        ("лев", "В зоопарке родились два льва."),
        ("волк", "В степи видели стаю волков."),
        ("юг", "На юге области прошли дожди."),
        ("митинг", "Участники митинга разошлись."),
        ("митинг*", "Аким выступил перед митингующими."),
        ("Волк*", "Депутат Волков выступил с заявлением."),
        ("Волков", "Депутат Волков выступил с заявлением."),
    ];
    for (query, text) in rows {
        assert!(fires(query, "", text), "{query} missed: {text}");
    }
}

#[test]
fn hyphenated_kazakh_endings_after_codes_and_abbreviations() {
    assert!(fires(
        "COVID-19",
        "",
        "Елде COVID-19-ға қарсы вакцина жетіспейді."
    ));
    assert!(fires("БҰҰ", "", "БҰҰ-ның бас хатшысы мәлімдеме жасады."));
    assert!(fires("ҚР", "", "ҚР-ның Үкіметі"));
    assert!(!fires("COVID-19", "", "Елде COVID-2019 туралы айтылды."));
}

#[test]
fn kazakh_in_the_2017_apostrophe_alphabet() {
    let text = "Sot olarg'a bes jyl qog'amdyq qyzmetpen ai'nalysy'g'a da tyi'ym saldy.";
    assert!(fires("тыйым", "", text));
    assert!(fires("қызмет", "", text));
    assert!(!fires("қоғам", "", text));
    assert!(fires("s'ery'", "", "Шерулер өтті."));
    assert!(fires("кең", "", "Ken' dala."));
}

#[test]
fn english_style_names_both_directions() {
    let text = "Kazakhstan's President Nursultan Nazarbayev visited Zhanaozen.";
    assert!(fires("Назарбаев", "", text));
    assert!(fires("Жаңаөзен", "", text));
    assert!(fires("Қазақстан", "", text));
    assert!(fires("Zhanaozen", "", "Жаңаөзенде ереуіл басталды."));
    assert!(fires("Nazarbayev", "", "Назарбаевтың жарлығы шықты."));
}

#[test]
fn russian_stems_that_change_come_from_the_dictionary() {
    let rows = [
        ("дочь", "У него пятеро дочерей."),
        ("дочь", "Он позвонил дочери."),
        ("заём", "Банк отказал в выдаче займа."),
        ("земля", "Продажа земель иностранцам запрещена."),
        ("деревня", "Жители соседних деревень пришли на сход."),
        ("человек", "Люди вышли на площадь."),
        ("ребёнок", "Дети остались без школы."),
        ("мать", "Суд выслушал матерей задержанных."),
        ("сосна", "Вырубку сосен остановили."),
    ];
    for (query, text) in rows {
        assert!(fires(query, "", text), "{query} missed: {text}");
    }
    assert!(!fires("ребёнок", "", "Открылся детский сад."));
    assert!(!fires("человек", "", "Людмила выступила."));
}

/// The table "What a query word matches" of docs/rules.md, row by row.
#[test]
fn rules_doc_table_rows() {
    let yes = [
        ("тұтқын", "тұтқындарға"),
        ("құқық", "құқығының"),
        ("тіл", "тілді"),
        ("заң", "заңға"),
        ("бос", "босқа"),
        ("митинг", "митингов"),
        ("лев", "львом"),
        ("пол", "полу"),
        ("мех", "меха"),
        ("волк", "волков"),
        ("юг", "юга"),
        ("дочь", "дочерей"),
        ("Жанаозен", "Жанаозене"),
        ("COVID-19", "COVID-19-ға"),
        ("время", "времени"),
        ("Қайрат", "Кайрат"),
        ("шеру", "sherý"),
        ("шеру", "şeru"),
    ];
    for (query, text) in yes {
        assert!(fires(query, "", text), "{query} missed {text}");
    }
    let no = [
        ("тіл", "тілші"),
        ("заң", "заңсыз"),
        ("бос", "бостандыққа"),
        ("лев", "левый"),
        ("пол", "полный"),
        ("Жанаозен", "жанаозенцев"),
    ];
    for (query, text) in no {
        assert!(!fires(query, "", text), "{query} fired on {text}");
    }
}
