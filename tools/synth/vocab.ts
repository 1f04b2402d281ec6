/**
 * Word pools for the synthetic tracks.csv generator (data only, no logic).
 *
 * The pools are small on purpose: they only need to produce titles and artist names with the
 * same *shapes* as the real Kaggle file (languages, scripts, punctuation, version suffixes), not
 * a believable catalogue. Non-ASCII entries are deliberate: parsers downstream must keep UTF-8
 * intact (Beyoncé, MØ, Czech diacritics, Greek, Thai, Japanese all occur in the real data).
 */

/** A language (or script) an artist sings in; decides its name style and its title words. */
export interface LanguagePool {
  code: string;
  /** Share of artists using this pool (relative weights, need not sum to 1). */
  weight: number;
  /** Title words. Joined with spaces unless `joinWithoutSpace` (Thai, Japanese). */
  words: readonly string[];
  firstNames: readonly string[];
  lastNames: readonly string[];
  joinWithoutSpace?: boolean;
}

export const ENGLISH_ADJECTIVES = [
  'Blue', 'Golden', 'Wild', 'Little', 'Broken', 'Lonely', 'Sweet', 'Dark', 'Electric', 'Silent',
  'Crazy', 'Young', 'Lost', 'Cold', 'Burning', 'Midnight', 'Perfect', 'Beautiful', 'Lazy', 'Good',
] as const;

/** Some of these carry a small popularity effect (see TITLE_WORD_EFFECTS in tracks.ts). */
export const ENGLISH_NOUNS = [
  'Love', 'Heart', 'Night', 'Baby', 'Girl', 'Fire', 'Dream', 'River', 'Road', 'Sky', 'Rain', 'Moon',
  'Summer', 'Money', 'Party', 'Dance', 'Home', 'Time', 'World', 'City', 'Light', 'Eyes', 'Soul',
  'Ocean', 'Train', 'Blues', 'Song', 'Angel', 'Morning', 'Sister', 'Boy', 'Star', 'Town', 'Waltz',
  'Letter', 'Window', 'Shadow', 'Memory', 'Paradise', 'Thunder',
] as const;

export const ENGLISH_VERBS = [
  'Hold', 'Take', 'Call', 'Run', 'Kiss', 'Stay', 'Leave', 'Want', 'Need', 'Remember', 'Forget',
  'Shake', 'Wait', 'Follow', 'Save', 'Tell', 'Feel', 'Break', 'Find', 'Touch',
] as const;

/** Title templates for English pop titles. {a} adjective, {n} noun, {v} verb. */
export const ENGLISH_TEMPLATES = [
  '{n}', '{n}', '{a} {n}', '{a} {n}', '{v} Me', '{v} It', "Don't {v}", 'I {v} You', "I Can't {v}",
  '{n} of {n}', '{a} {n}s', 'The {a} {n}', '{v} the {n}', 'My {n}', '{n} Song', "I'm Your {n}",
  '{a}', 'One More {n}', '{n} in the {n}', "Ain't No {n}",
] as const;

/** Titles with a comma ("Hey, Soul Sister", "1, 2, 3, 4"): used for a few percent of English titles. */
export const ENGLISH_COMMA_TEMPLATES = ['Hey, {a} {n}', '{n}, {n}', '{v}, {v}, {v}', 'Oh, {a} {n}'] as const;

export const ENGLISH_FIRST = [
  'James', 'Mary', 'Ella', 'Jack', 'Lucy', 'Sam', 'Nina', 'Billy', 'Ruby', 'Max', 'Grace', 'Leo',
  'Ava', 'Johnny', 'Ray', 'Lily', 'Frank', 'Joni', 'Ben', 'Chloe', 'Otis', 'Etta', 'Miles', 'Dolly',
] as const;

export const ENGLISH_LAST = [
  'Carter', 'Hughes', 'Bennett', 'Wright', 'Parker', 'Fisher', 'Hayes', 'Morrison', 'Brooks', 'Cole',
  'Reed', 'Walker', 'Foster', 'Grant', 'Holland', 'Mercer', 'Shaw', 'Sloan', 'Tate', 'Wells',
] as const;

/** Irish/Italian/French elided surnames: the source of artists written as ["..."] in Python repr. */
export const APOSTROPHE_LAST = ["O'Callan", "O'Brien", "O'Hara", "D'Amato", "O'Neill", "D'Arcy"] as const;

export const BAND_NOUNS = [
  'Wolves', 'Kings', 'Lions', 'Strangers', 'Drifters', 'Ramblers', 'Satellites', 'Tigers', 'Ghosts',
  'Shadows', 'Pilots', 'Mirrors', 'Comets', 'Saints', 'Rebels', 'Monarchs',
] as const;

/** Spoken-word (audiobook / radio drama) series: the real file has thousands of "Kapitel 12 - ..." rows. */
export const SPOKEN_SERIES = [
  'Die drei Detektive', 'Benny Blümchen', 'Hörspiel Archiv', 'Märchen Erzähler', 'Der kleine Ritter',
  'Audiolibro Clásico', 'Historias de Misterio', 'Classic Audiobooks Society',
] as const;

export const SPOKEN_PREFIXES = ['Kapitel', 'Kapitel', 'Folge', 'Teil', 'Capítulo', 'Chapter'] as const;

export const CLASSICAL_COMPOSERS = [
  'Ludwig van Beethoven', 'Wolfgang Amadeus Mozart', 'Frédéric Chopin', 'Antonín Dvořák',
  'Johann Sebastian Bach', 'Pyotr Ilyich Tchaikovsky', 'Franz Schubert', 'Claude Debussy',
  'Bedřich Smetana', 'Edvard Grieg',
] as const;

export const CLASSICAL_PERFORMERS = [
  'Wiener Philharmoniker', 'Czech Philharmonic Orchestra', 'Berliner Philharmoniker', 'London Symphony Orchestra',
  'Vladimir Horowitz', 'Arthur Rubinstein', 'Glenn Gould', 'Martha Argerich', 'Orchestre de Paris',
] as const;

export const CLASSICAL_FORMS = ['Piano Sonata', 'Symphony', 'Nocturne', 'String Quartet', 'Prelude', 'Étude', 'Concerto', 'Mazurka'] as const;
export const CLASSICAL_MOVEMENTS = ['Allegro', 'Adagio', 'Andante', 'Presto', 'Largo', 'Allegretto', 'Moderato', 'Scherzo'] as const;
export const MUSICAL_KEYS = ['C', 'D', 'E-Flat', 'E', 'F', 'G', 'A', 'B-Flat', 'C-Sharp', 'F-Sharp'] as const;

/** Film titles for `(From "...")` suffixes of Indian film songs (embedded double quotes in the CSV). */
export const FILM_TITLES = ['Samurai', 'Dil Se', 'Mersal', 'Roja', 'Premam', 'Kaatru', 'Dear Friend', 'Street Dancer'] as const;

export const LANGUAGES: readonly LanguagePool[] = [
  {
    code: 'en',
    weight: 56,
    words: [], // English titles come from ENGLISH_TEMPLATES instead.
    firstNames: ENGLISH_FIRST,
    lastNames: ENGLISH_LAST,
  },
  {
    code: 'es',
    weight: 10,
    words: ['Amor', 'Corazón', 'Noche', 'Vida', 'Baila', 'Mi', 'Tu', 'Cielo', 'Fuego', 'Quiero', 'Sueño', 'Canción', 'Te', 'Olvidé', 'Mañana', 'Luna'],
    firstNames: ['José', 'María', 'Lucía', 'Andrés', 'Sofía', 'Ramón', 'Julieta', 'Iñigo', 'Camila', 'Raúl'],
    lastNames: ['García', 'Martínez', 'Núñez', 'López', 'Peña', 'Rodríguez', 'Ibáñez', 'Herrera'],
  },
  {
    code: 'de',
    weight: 7,
    words: ['Liebe', 'Nacht', 'Herz', 'Sommer', 'Träume', 'Straße', 'Ich', 'Dich', 'Für', 'Immer', 'Grüße', 'Märchen', 'Schön', 'Wald'],
    firstNames: ['Jürgen', 'Heike', 'Lena', 'Günther', 'Max', 'Sören', 'Anja', 'Björn'],
    lastNames: ['Müller', 'Schröder', 'Weiß', 'Köhler', 'Bauer', 'Fuchs', 'Groß', 'Hoffmann'],
  },
  {
    code: 'pt',
    weight: 5,
    words: ['Saudade', 'Coração', 'Amor', 'Você', 'Não', 'Mãe', 'Sonho', 'Vai', 'Menina', 'Céu', 'Paixão', 'Ao Vivo'],
    firstNames: ['João', 'Gabriela', 'Thiago', 'Luísa', 'Caetano', 'Marília', 'Gustavo'],
    lastNames: ['Gonçalves', 'Araújo', 'Simões', 'Conceição', 'Lima', 'Brandão'],
  },
  {
    code: 'fr',
    weight: 4,
    words: ['Amour', 'Été', 'Cœur', 'Nuit', 'Je', "T'aime", 'Belle', 'Là-bas', 'Rêve', 'Pourquoi', 'Chérie', 'Vérité'],
    firstNames: ['Amélie', 'Hélène', 'Jérôme', 'Zoé', 'François', 'Céline', 'Loïc'],
    lastNames: ['Lefèvre', 'Dubois', 'Moreau', 'Girard', 'Bélanger', 'Rousseau'],
  },
  {
    code: 'it',
    weight: 3,
    words: ['Amore', 'Notte', 'Cuore', 'Sempre', 'Perché', 'Città', 'Ti', 'Voglio', 'Bella', 'Più'],
    firstNames: ['Giulia', 'Niccolò', 'Francesca', 'Lorenzo', 'Chiara'],
    lastNames: ['Rossi', 'Ferrari', 'Esposito', 'Colombo', 'Galli'],
  },
  {
    code: 'sv',
    weight: 2.5,
    words: ['Kärlek', 'Natt', 'Hjärta', 'Sommar', 'Då', 'Du', 'Över', 'Gå', 'Snett', 'Ljus'],
    firstNames: ['Åsa', 'Søren', 'Björk', 'Maja', 'Ørjan'],
    lastNames: ['Lindqvist', 'Sjöberg', 'Ødegaard', 'Nyström', 'Østergaard'],
  },
  {
    code: 'cs',
    weight: 1.5,
    words: ['Láska', 'Srdce', 'Noc', 'Šílený', 'Mráz', 'Tajemství', 'Řeka', 'Žízeň', 'Čas', 'Ještě'],
    firstNames: ['Kateřina', 'Jiří', 'Tomáš', 'Lucie', 'Přemysl'],
    lastNames: ['Dvořák', 'Novotný', 'Černý', 'Růžička', 'Šťastný'],
  },
  {
    code: 'el',
    weight: 1.5,
    words: ['Αγάπη', 'Νύχτα', 'Καρδιά', 'Θάλασσα', 'Σ’αγαπώ', 'Όνειρο', 'Μαζί', 'Φως'],
    firstNames: ['Νίκος', 'Ελένη', 'Γιώργος', 'Μαρία'],
    lastNames: ['Παπαδόπουλος', 'Σταύρου', 'Νικολάου', 'Βλάχου'],
  },
  {
    code: 'th',
    weight: 1.5,
    words: ['รัก', 'คืนนี้', 'หัวใจ', 'ฝน', 'คิดถึง', 'เธอ', 'ฉัน', 'ทะเล'],
    firstNames: ['ต้น', 'ฝน', 'มิ้นท์', 'ปาล์ม'],
    lastNames: ['ศรีสุข', 'ใจดี', 'วงศ์ทอง'],
    joinWithoutSpace: true,
  },
  {
    code: 'ja',
    weight: 3,
    words: ['夜', '君の', '夢', '桜', 'ありがとう', '未来', '花火', '大丈夫', 'リセット', '青い'],
    firstNames: ['ミナ', '翔太', 'さくら', '健'],
    lastNames: ['星野', '山田', '佐藤', '米田'],
    joinWithoutSpace: true,
  },
  {
    code: 'tr',
    weight: 2,
    words: ['Aşk', 'Gece', 'Kalbim', 'Sevgilim', 'Gidiyorsun', 'Güzel', 'Şarkı', 'Yağmur', 'Unuturum'],
    firstNames: ['Gökhan', 'Şebnem', 'Tuğba', 'Çağrı', 'Ömer'],
    lastNames: ['Türkmen', 'Yılmaz', 'Öztürk', 'Şahin'],
  },
  {
    code: 'hi',
    weight: 2.5,
    words: ['Dil', 'Pyaar', 'Mere', 'Tere', 'Ishq', 'Raat', 'Sapna', 'Kaadhal', 'Nenjam', 'Moongil'],
    firstNames: ['Arijit', 'Shreya', 'Sid', 'Neha', 'Vishal'],
    lastNames: ['Singh', 'Ghoshal', 'Sriram', 'Kakkar', 'Mishra'],
  },
];
