//! The facts the demo marketplace is built from: where sellers come from (with their currency,
//! GS1 prefix and time zone), where buyers are (weighted by cross-border e-commerce spend), and the
//! words listings are named with. Kept apart from the generator so the data can be read and
//! corrected without touching the logic.

use silkroute_domain::category::Category;

/// Origin countries with their share of sellers, currency-independent facts for names, GS1
/// prefixes and time zones.
pub(super) struct Origin {
    pub(super) country: &'static str,
    /// What sellers from here settle in: the local currency, or USD where the ECB publishes no
    /// rate for it (Vietnamese exporters invoice in dollars).
    pub(super) settlement: &'static str,
    pub(super) weight: u32,
    pub(super) gs1_prefix: &'static str,
    pub(super) time_zone: &'static str,
    pub(super) city: &'static [&'static str],
}

pub(super) const ORIGINS: &[Origin] = &[
    Origin {
        country: "CN",
        settlement: "CNY",
        weight: 40,
        gs1_prefix: "693",
        time_zone: "Asia/Shanghai",
        city: &[
            "Shenzhen",
            "Yiwu",
            "Guangzhou",
            "Hangzhou",
            "Ningbo",
            "Dongguan",
        ],
    },
    Origin {
        country: "US",
        settlement: "USD",
        weight: 12,
        gs1_prefix: "081",
        time_zone: "America/New_York",
        city: &["Brooklyn", "Austin", "Portland", "Denver"],
    },
    Origin {
        country: "DE",
        settlement: "EUR",
        weight: 8,
        gs1_prefix: "400",
        time_zone: "Europe/Berlin",
        city: &["Berlin", "Hamburg", "Munich", "Cologne"],
    },
    Origin {
        country: "GB",
        settlement: "GBP",
        weight: 7,
        gs1_prefix: "501",
        time_zone: "Europe/London",
        city: &["London", "Manchester", "Leeds", "Bristol"],
    },
    Origin {
        country: "JP",
        settlement: "JPY",
        weight: 6,
        gs1_prefix: "490",
        time_zone: "Asia/Tokyo",
        city: &["Tokyo", "Osaka", "Nagoya", "Fukuoka"],
    },
    Origin {
        country: "KR",
        settlement: "KRW",
        weight: 6,
        gs1_prefix: "880",
        time_zone: "Asia/Seoul",
        city: &["Seoul", "Busan", "Incheon"],
    },
    Origin {
        country: "TR",
        settlement: "TRY",
        weight: 6,
        gs1_prefix: "869",
        time_zone: "Europe/Istanbul",
        city: &["Istanbul", "Izmir", "Bursa"],
    },
    Origin {
        country: "IN",
        settlement: "INR",
        weight: 6,
        gs1_prefix: "890",
        time_zone: "Asia/Kolkata",
        city: &["Jaipur", "Mumbai", "Tiruppur", "Delhi"],
    },
    Origin {
        country: "VN",
        settlement: "USD",
        weight: 5,
        gs1_prefix: "893",
        time_zone: "Asia/Ho_Chi_Minh",
        city: &["Hanoi", "Saigon", "Da Nang"],
    },
    Origin {
        country: "IT",
        settlement: "EUR",
        weight: 4,
        gs1_prefix: "800",
        time_zone: "Europe/Rome",
        city: &["Milan", "Florence", "Naples", "Bologna"],
    },
];

/// Buyer markets weighted roughly by cross-border e-commerce spend.
pub(super) const BUYER_MARKETS: &[(&str, u32)] = &[
    ("US", 200),
    ("GB", 70),
    ("DE", 65),
    ("FR", 50),
    ("JP", 45),
    ("KR", 35),
    ("CA", 35),
    ("AU", 30),
    ("ES", 30),
    ("IT", 28),
    ("NL", 22),
    ("BR", 25),
    ("MX", 22),
    ("CN", 40),
    ("PL", 15),
    ("SE", 12),
    ("BE", 10),
    ("CH", 12),
    ("NO", 8),
    ("AT", 9),
    ("DK", 7),
    ("FI", 6),
    ("IE", 6),
    ("PT", 6),
    ("CZ", 6),
    ("GR", 5),
    ("HU", 5),
    ("RO", 5),
    ("SK", 3),
    ("EE", 2),
    ("SG", 10),
    ("NZ", 6),
    ("IL", 6),
    ("SA", 10),
    ("AE", 10),
    ("TR", 8),
    ("CL", 6),
    ("CO", 5),
    ("ZA", 5),
    ("TH", 6),
    ("MY", 6),
    ("PH", 5),
    ("ID", 6),
    ("HK", 5),
];

pub(super) const ADJECTIVES: &[&str] = &[
    "Classic",
    "Premium",
    "Everyday",
    "Compact",
    "Lightweight",
    "Eco",
    "Vintage",
    "Smart",
    "Portable",
    "Deluxe",
    "Minimalist",
    "Pro",
    "Soft",
    "Handmade",
    "Organic",
    "Waterproof",
];

pub(super) const NAME_WORDS: &[&str] = &[
    "Bright", "Harbor", "Golden", "Silk", "Summit", "Cedar", "Lotus", "Nova", "Maple", "Coral",
    "Atlas", "Willow", "Orchid", "Zenith", "Pioneer", "Jade",
];

pub(super) fn noun_for(category: &Category) -> &'static [&'static str] {
    match category.slug {
        "apparel.tops" => &[
            "Cotton T-Shirt",
            "Linen Shirt",
            "Knit Sweater",
            "Hoodie",
            "Polo Shirt",
        ],
        "apparel.dresses" => &["Summer Dress", "Wrap Dress", "Maxi Dress", "Silk Dress"],
        "apparel.shoes" => &[
            "Running Shoes",
            "Leather Sneakers",
            "Ankle Boots",
            "Sandals",
        ],
        "apparel.bags" => &["Backpack", "Tote Bag", "Carry-on Suitcase", "Crossbody Bag"],
        "apparel.jewelry" => &[
            "Silver Necklace",
            "Quartz Watch",
            "Pearl Earrings",
            "Ring Set",
        ],
        "electronics.phone_accessories" => &[
            "Phone Case",
            "USB-C Charger",
            "Power Bank",
            "Screen Protector",
        ],
        "electronics.audio" => &["Wireless Earbuds", "Bluetooth Speaker", "Studio Headphones"],
        "electronics.computers" => &[
            "Mechanical Keyboard",
            "Wireless Mouse",
            "USB Hub",
            "Laptop Stand",
        ],
        "electronics.cameras" => &["Action Camera", "Mini Drone", "Camera Tripod", "Lens Kit"],
        "home.kitchen" => &[
            "Chef Knife",
            "Ceramic Mug Set",
            "Glass Food Container",
            "Cast Iron Pan",
        ],
        "home.decor" => &[
            "Table Lamp",
            "Throw Blanket",
            "Wall Mirror",
            "Scented Candle",
        ],
        "home.tools" => &[
            "Cordless Drill",
            "Screwdriver Set",
            "Tool Box",
            "Measuring Tape",
        ],
        "home.garden" => &["Garden Chair", "Hose Nozzle", "Planter Pot", "Solar Lights"],
        "beauty.skincare" => &[
            "Face Serum",
            "Moisturizer",
            "Sheet Mask Pack",
            "Sunscreen SPF50",
        ],
        "beauty.makeup" => &["Lipstick", "Eyeshadow Palette", "Mascara", "Foundation"],
        "beauty.hair" => &["Hair Dryer", "Hair Oil", "Curling Iron", "Shampoo"],
        "toys.kids" => &[
            "Building Blocks",
            "Plush Bear",
            "Puzzle 1000pc",
            "Board Game",
        ],
        "toys.sports" => &["Yoga Mat", "Camping Tent", "Fitness Band", "Cycling Jersey"],
        "food.tea_coffee" => &["Green Tea", "Oolong Tea", "Coffee Beans", "Matcha Powder"],
        "food.snacks" => &[
            "Dark Chocolate",
            "Rice Crackers",
            "Dried Mango",
            "Cookies Tin",
        ],
        _ => &["Item"],
    }
}
