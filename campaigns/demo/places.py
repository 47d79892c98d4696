"""Where the demo's contacts live and what they are called: countries, cities, time zones,
mobile number ranges and common names, so the store looks like a real international one."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Place:
    country: str
    city: str
    timezone: str
    prefix: str  # E.164 start; random digits fill the rest
    length: int  # length of the E.164 string, "+" included
    weight: int


# Mobile ranges checked with phonenumbers (each generated number is validated again when drawn).
# US numbers use the 555 exchange, which is kept for fiction, so no real person gets a message.
PLACES = (
    Place("US", "New York", "America/New_York", "+1212555", 12, 90),
    Place("US", "Chicago", "America/Chicago", "+1312555", 12, 50),
    Place("US", "Denver", "America/Denver", "+1303555", 12, 25),
    Place("US", "San Francisco", "America/Los_Angeles", "+1415555", 12, 55),
    Place("GB", "London", "Europe/London", "+447700", 13, 110),
    Place("GB", "Manchester", "Europe/London", "+447700", 13, 40),
    Place("FR", "Paris", "Europe/Paris", "+336", 12, 70),
    Place("FR", "Lyon", "Europe/Paris", "+336", 12, 25),
    Place("DE", "Berlin", "Europe/Berlin", "+49151", 14, 55),
    Place("DE", "Munich", "Europe/Berlin", "+49151", 14, 30),
    Place("ES", "Madrid", "Europe/Madrid", "+346", 12, 35),
    Place("IN", "Mumbai", "Asia/Kolkata", "+9198", 13, 60),
    Place("IN", "Bengaluru", "Asia/Kolkata", "+9198", 13, 40),
    Place("BR", "São Paulo", "America/Sao_Paulo", "+55119", 14, 60),
    Place("MX", "Mexico City", "America/Mexico_City", "+5255", 13, 45),
    Place("ZA", "Johannesburg", "Africa/Johannesburg", "+2782", 12, 30),
    Place("ZA", "Cape Town", "Africa/Johannesburg", "+2782", 12, 20),
    Place("AE", "Dubai", "Asia/Dubai", "+97150", 13, 35),
    Place("AU", "Sydney", "Australia/Sydney", "+614", 12, 35),
    Place("JP", "Tokyo", "Asia/Tokyo", "+8190", 13, 25),
    Place("SG", "Singapore", "Asia/Singapore", "+658", 11, 20),
    Place("NG", "Lagos", "Africa/Lagos", "+234803", 14, 25),
)

FIRST_NAMES = {
    "US": ["James", "Olivia", "Liam", "Emma", "Noah", "Ava", "Mason", "Sophia", "Ethan", "Mia"],
    "GB": ["Oliver", "Amelia", "George", "Isla", "Harry", "Ava", "Jack", "Lily", "Arthur", "Ivy"],
    "FR": ["Louis", "Jade", "Gabriel", "Louise", "Léo", "Emma", "Raphaël", "Alice", "Hugo", "Lina"],
    "DE": ["Ben", "Emilia", "Paul", "Hannah", "Finn", "Mia", "Leon", "Sofia", "Noah", "Lea"],
    "ES": [
        "Hugo",
        "Lucía",
        "Martín",
        "Sofía",
        "Pablo",
        "Martina",
        "Mateo",
        "Julia",
        "Leo",
        "Paula",
    ],
    "IN": [
        "Aarav",
        "Diya",
        "Vivaan",
        "Ananya",
        "Aditya",
        "Isha",
        "Arjun",
        "Saanvi",
        "Rohan",
        "Kavya",
    ],
    "BR": [
        "Miguel",
        "Helena",
        "Arthur",
        "Alice",
        "Heitor",
        "Laura",
        "Davi",
        "Manuela",
        "Théo",
        "Valentina",
    ],
    "MX": [
        "Santiago",
        "Sofía",
        "Mateo",
        "Regina",
        "Sebastián",
        "Valentina",
        "Diego",
        "Camila",
        "Emiliano",
        "Ximena",
    ],
    "ZA": [
        "Thabo",
        "Naledi",
        "Sipho",
        "Lerato",
        "Liam",
        "Amahle",
        "Kagiso",
        "Zanele",
        "Ethan",
        "Palesa",
    ],
    "AE": [
        "Mohammed",
        "Fatima",
        "Omar",
        "Mariam",
        "Ahmed",
        "Aisha",
        "Khalid",
        "Noura",
        "Saeed",
        "Layla",
    ],
    "AU": ["Oliver", "Charlotte", "Jack", "Olivia", "William", "Mia", "Noah", "Isla", "Leo", "Ava"],
    "JP": ["Haruto", "Yui", "Sota", "Hina", "Yuto", "Aoi", "Riku", "Sakura", "Ren", "Mei"],
    "SG": ["Ethan", "Chloe", "Ryan", "Sophie", "Lucas", "Emma", "Aiden", "Hannah", "Jayden", "Zoe"],
    "NG": [
        "Chinedu",
        "Ngozi",
        "Emeka",
        "Amaka",
        "Tunde",
        "Funmi",
        "Ifeanyi",
        "Chioma",
        "Segun",
        "Aisha",
    ],
}
LAST_NAMES = {
    "US": ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis"],
    "GB": ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Evans", "Thomas"],
    "FR": ["Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand"],
    "DE": ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker"],
    "ES": ["García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez"],
    "IN": ["Sharma", "Patel", "Singh", "Kumar", "Gupta", "Reddy", "Iyer", "Nair"],
    "BR": ["Silva", "Santos", "Oliveira", "Souza", "Lima", "Pereira", "Costa", "Almeida"],
    "MX": ["Hernández", "García", "Martínez", "López", "González", "Pérez", "Sánchez", "Ramírez"],
    "ZA": ["Nkosi", "Dlamini", "Naidoo", "Botha", "Mokoena", "van der Merwe", "Khumalo", "Smith"],
    "AE": ["Al Mansouri", "Al Nahyan", "Al Maktoum", "Al Hashimi", "Al Suwaidi", "Al Falasi"],
    "AU": ["Smith", "Jones", "Williams", "Brown", "Wilson", "Taylor", "Nguyen", "Martin"],
    "JP": ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura"],
    "SG": ["Tan", "Lim", "Lee", "Ng", "Ong", "Wong", "Goh", "Chua"],
    "NG": ["Okafor", "Adeyemi", "Eze", "Bello", "Okonkwo", "Adebayo", "Nwosu", "Ibrahim"],
}
