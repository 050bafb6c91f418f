// The demo's customers, city by city: each organisation unit serves the customers of its own city, and a
// customer's name, address, coordinates, phone numbers, contacts and the texts of its requests are those of that
// city: Simplified Chinese and mainland numbers in 长沙, 上海, 苏州, 杭州, 南京, 广州, 深圳 and 佛山, Traditional
// Chinese and Taiwanese numbers in 臺北, Spanish and Spanish numbers in Madrid, Valencia and Barcelona.
// Every name, street number and phone number is invented.

import AftercareDomain
import Foundation

/// What kind of organisation a customer is: it decides which of the product lines it owns and where a unit stands.
public enum DemoSector: String, Sendable {
    case school, hospital, government, construction, commercial, office, printing, household

    /// The product lines such a customer buys (repeated codes are bought more often).
    public var productLines: [String] {
        switch self {
        case .school: ["SCHOOLIT", "SCHOOLIT", "COPIER", "LED", "WINDOW"]
        case .hospital: ["SOFTWARE", "COPIER", "WINDOW", "APPLIANCE"]
        case .government: ["COPIER", "SOFTWARE", "LED", "WINDOW"]
        case .construction: ["MACHINERY"]
        case .commercial: ["LED", "WINDOW", "APPLIANCE", "COPIER"]
        case .office: ["COPIER", "SOFTWARE", "LED"]
        case .printing: ["COPIER"]
        case .household: ["APPLIANCE", "APPLIANCE", "WINDOW"]
        }
    }

    /// Whether such a customer would own `model` (a hospital information system only in hospitals).
    public func owns(_ model: DemoModel) -> Bool {
        model.code == "SW-HIS3" ? self == .hospital : true
    }

    /// Where on the customer's premises a unit stands.
    public var sites: DemoTexts {
        switch self {
        case .school:
            DemoTexts(
                hans: ["教学楼 A 座 302 室", "行政楼三楼文印室", "实验楼一层报告厅", "学生机房"],
                hant: ["教學大樓三樓電腦教室", "行政大樓影印室"], es: ["aula 3B", "sala de profesores", "aula de informática"])
        case .hospital:
            DemoTexts(
                hans: ["门诊楼二楼收费处", "住院部 8 楼护士站", "信息中心机房", "行政楼五楼"],
                hant: ["門診大樓二樓", "資訊室機房"], es: ["planta 2, admisión", "sala de servidores", "consultas externas"])
        case .government:
            DemoTexts(
                hans: ["政务服务大厅", "办公楼四楼", "档案室", "会议中心"], hant: ["服務大廳", "辦公大樓四樓"],
                es: ["registro general", "planta 1, oficinas", "salón de plenos"])
        case .construction:
            DemoTexts(
                hans: ["施工现场 3 号标段", "项目部", "搅拌站 2 号泵位", "设备停放场"], hant: ["工地現場", "工務所"],
                es: ["obra, acceso norte", "parque de maquinaria"])
        case .commercial:
            DemoTexts(
                hans: ["一楼中庭", "外墙", "客房楼层", "地下车库"], hant: ["一樓大廳", "外牆"],
                es: ["vestíbulo", "fachada principal", "planta de habitaciones"])
        case .office:
            DemoTexts(
                hans: ["办公楼 12 层", "财务室", "数据机房"], hant: ["辦公室 12 樓", "機房"],
                es: ["oficina, planta 3", "sala de servidores"])
        case .printing:
            DemoTexts(hans: ["生产车间", "前台接待"], hant: ["生產車間"], es: ["taller", "mostrador"])
        case .household:
            DemoTexts(hans: ["客厅", "主卧", "厨房", "阳台"], hant: ["客廳", "主臥室"], es: ["salón", "cocina", "dormitorio"])
        }
    }
}

public struct DemoCompany: Sendable {
    public let name: String
    public let sector: DemoSector

    public init(_ name: String, _ sector: DemoSector) {
        self.name = name
        self.sector = sector
    }
}

/// How phone numbers are written in a place.
public enum DemoPhones: Sendable {
    /// Mainland China: landlines `0731-84562310` (area code, 8 digits), mobiles `13807315624`.
    case mainland(area: String, leads: String)
    /// Taiwan: landlines `02-2758-1234`, mobiles `0912-345-678`.
    case taipei
    /// Spain: landlines `+34 915 234 678` (the province's prefix), mobiles `+34 612 345 678`.
    case spain(province: String)
}

/// A city the demo has customers in, and the organisation unit that serves them.
public struct DemoCity: Sendable {
    public let unitCode: String
    public let language: Language
    public let companies: [DemoCompany]
    /// Private customers.
    public let people: [String]
    /// Contact persons at the companies.
    public let contacts: [String]
    /// Whole addresses, in the city's own format and script.
    public let streets: [String]
    public let phones: DemoPhones

    public init(
        unitCode: String, language: Language, companies: [DemoCompany], people: [String], contacts: [String],
        streets: [String], phones: DemoPhones
    ) {
        self.unitCode = unitCode
        self.language = language
        self.companies = companies
        self.people = people
        self.contacts = contacts
        self.streets = streets
        self.phones = phones
    }
}

extension DemoCatalog {
    static let mobilePrefixes = [
        "133", "135", "136", "137", "138", "139", "150", "151", "152", "155", "158", "159", "180", "181", "186",
        "187", "188", "189",
    ]

    static func digits(_ count: Int, _ random: inout SeededRandom) -> String {
        String((0..<count).map { _ in Character(String(Int.random(in: 0...9, using: &random))) })
    }

    /// A landline (`office == true`) or a mobile number written the way people write them in that place.
    static func phone(_ plan: DemoPhones, office: Bool, random: inout SeededRandom) -> String {
        switch plan {
        case .mainland(let area, let leads):
            return office
                ? "\(area)-\(random.pick(Array(leads)))\(digits(7, &random))"
                : random.pick(mobilePrefixes) + digits(8, &random)
        case .taipei:
            return office
                ? "02-2\(digits(3, &random))-\(digits(4, &random))"
                : "09\(Int.random(in: 10...89, using: &random))-\(digits(3, &random))-\(digits(3, &random))"
        case .spain(let province):
            return office
                ? "+34 \(province)\(digits(1, &random)) \(digits(3, &random)) \(digits(3, &random))"
                : "+34 6\(digits(2, &random)) \(digits(3, &random)) \(digits(3, &random))"
        }
    }

    public static let contactRoles = DemoTexts(
        hans: [
            "设备管理员", "行政主管", "采购经理", "项目经理", "信息中心主任", "后勤处处长", "总务科科长", "机务主管", "工地负责人",
            "物业经理", "办公室主任", "网络管理员", "教务处主任", "设备科工程师",
        ],
        hant: ["設備課長", "資訊室主任", "總務組長", "行政專員"],
        es: ["Jefe de mantenimiento", "Coordinador TIC", "Responsable de compras", "Director del centro", "Gerente"])

    /// A project's name for a customer's order: a purchase or a service contract.
    static func projectName(_ customer: String, purchase: Bool, in language: Language) -> String {
        switch language {
        case .es: (purchase ? "Suministro de equipos – " : "Contrato de mantenimiento – ") + customer
        case .zhHant: customer + (purchase ? "設備採購案" : "售後服務合約")
        case .zhHans, .en: customer + (purchase ? "设备采购项目" : "售后服务合同")
        }
    }

    // MARK: - Cities

    static let hunanContacts = [
        "彭建军", "谭秀英", "刘国华", "曾海燕", "唐立新", "周桂芳", "罗建平", "易小燕", "黄国强", "贺晓红", "邓建新", "胡玉兰",
        "李志华", "龙丽娟", "陈德胜",
    ]
    static let jiangnanContacts = [
        "沈立新", "顾秀珍", "陆海峰", "钱晓梅", "徐建新", "周国平", "朱晓峰", "吴丽华", "张海燕", "王秀英", "孙玉兰", "蒋国良",
        "姚丽华", "汪晓菲", "金海燕", "范志国", "杨春梅", "许文斌", "戴晓东", "俞建明",
    ]
    static let cantonContacts = [
        "梁秀云", "陈志强", "黄小燕", "冯建伟", "何丽娟", "麦国庆", "区永刚", "林志勇", "邓秋月", "谢建华", "李嘉欣", "罗晓梅",
        "郑国平", "吴振宇", "叶晓琳",
    ]
    static let taipeiContacts = ["王建民", "李淑惠", "陳冠宇", "吳佩珊", "許家榮", "林怡君", "黃俊傑", "張雅婷"]
    static let spanishContacts = [
        "Laura Gómez Herrero", "Francisco Ruiz Pérez", "Ana Belén Ortiz", "Miguel Ángel Serrano",
        "Rosa María Delgado", "Alberto Rubio Marín", "Cristina Vidal Soler", "Sergio Blanco Cano",
        "Beatriz Molina Ramos", "Raúl Castro Méndez",
    ]

    /// In the order the customers are created: the East China branch's first, so that its customers have the
    /// lowest ids (the portal's demo accounts are two of them).
    public static let cities: [DemoCity] = [
        DemoCity(
            unitCode: "BR-EC", language: .zhHans,
            companies: [
                DemoCompany("上海仁济医院", .hospital),
                DemoCompany("上海浦东新区行政服务中心", .government),
                DemoCompany("上海申华印务有限公司", .printing),
                DemoCompany("上海城建路桥养护有限公司", .construction),
                DemoCompany("上海静安商务楼宇管理公司", .commercial),
                DemoCompany("上海徐汇区教育信息中心", .school),
                DemoCompany("上海虹桥枢纽商业管理有限公司", .commercial),
                DemoCompany("上海外高桥保税物流公司", .office),
                DemoCompany("上海杨浦区图书馆", .government),
                DemoCompany("上海宝山钢城建设工程有限公司", .construction),
                DemoCompany("上海嘉定汽车城会展中心", .commercial),
                DemoCompany("上海市第八中学", .school),
            ],
            people: ["沈佳明", "顾婉清", "陆思远", "钱雨桐"], contacts: jiangnanContacts,
            streets: [
                "上海市浦东新区张江路 1288 号", "上海市静安区延安中路 905 号", "上海市徐汇区漕溪北路 331 号",
                "上海市长宁区虹桥路 1438 号", "上海市黄浦区西藏中路 268 号", "上海市杨浦区国定路 335 号",
                "上海市普陀区曹杨路 1040 弄 2 号", "上海市浦东新区世纪大道 1568 号", "上海市宝山区友谊路 1500 号",
                "上海市嘉定区安亭镇墨玉南路 888 号",
            ],
            phones: .mainland(area: "021", leads: "56")),
        DemoCity(
            unitCode: "OU-SZ", language: .zhHans,
            companies: [
                DemoCompany("苏州工业园区星海实验中学", .school),
                DemoCompany("苏州金鸡湖会展中心", .commercial),
                DemoCompany("苏州吴中区人民医院", .hospital),
                DemoCompany("苏州姑苏印刷厂", .printing),
                DemoCompany("苏州相城区城市建设投资公司", .construction),
                DemoCompany("苏州高新区科技城管委会", .government),
            ],
            people: ["朱文华", "吴秋菊"], contacts: jiangnanContacts,
            streets: [
                "苏州市工业园区星湖街 328 号", "苏州市姑苏区人民路 1139 号", "苏州市吴中区东吴北路 199 号",
                "苏州市高新区狮山路 88 号", "苏州市相城区阳澄湖东路 500 号", "苏州市工业园区苏州大道东 265 号",
            ],
            phones: .mainland(area: "0512", leads: "6")),
        DemoCity(
            unitCode: "OU-HZ", language: .zhHans,
            companies: [
                DemoCompany("杭州西溪湿地酒店管理有限公司", .commercial),
                DemoCompany("杭州市拱墅区教育局", .school),
                DemoCompany("杭州未来科技城管委会", .government),
                DemoCompany("杭州滨江智慧产业园物业公司", .commercial),
                DemoCompany("杭州萧山路桥工程有限公司", .construction),
                DemoCompany("浙江之江软件有限公司", .office),
            ],
            people: ["楼晓琳", "俞振华"], contacts: jiangnanContacts,
            streets: [
                "杭州市西湖区文三路 477 号", "杭州市余杭区文一西路 1500 号", "杭州市拱墅区莫干山路 100 号",
                "杭州市上城区解放路 138 号", "杭州市滨江区江南大道 3688 号", "杭州市萧山区市心中路 819 号",
            ],
            phones: .mainland(area: "0571", leads: "8")),
        DemoCity(
            unitCode: "AG-NJ", language: .zhHans,
            companies: [
                DemoCompany("南京紫金建设工程有限公司", .construction),
                DemoCompany("南京江北新区图书馆", .government),
                DemoCompany("南京市鼓楼区实验中学", .school),
                DemoCompany("南京秦淮区中医院", .hospital),
                DemoCompany("南京河西商务区物业管理有限公司", .commercial),
                DemoCompany("江苏金陵软件股份有限公司", .office),
            ],
            people: ["王一凡", "孙晨光"], contacts: jiangnanContacts,
            streets: [
                "南京市江北新区浦滨路 150 号", "南京市鼓楼区中山北路 283 号", "南京市玄武区珠江路 88 号",
                "南京市建邺区江东中路 369 号", "南京市秦淮区中华路 50 号", "南京市江宁区双龙大道 1539 号",
            ],
            phones: .mainland(area: "025", leads: "58")),
        DemoCity(
            unitCode: "HQ", language: .zhHans,
            companies: [
                DemoCompany("长沙市第一中学", .school),
                DemoCompany("中建五局三公司", .construction),
                DemoCompany("湖南湘江新区管理委员会", .government),
                DemoCompany("长沙市岳麓区实验小学", .school),
                DemoCompany("长沙市雨花区中医院", .hospital),
                DemoCompany("长沙星沙经开区市政工程公司", .construction),
                DemoCompany("湖南楚天路桥建设有限公司", .construction),
                DemoCompany("长沙梅溪湖国际酒店", .commercial),
                DemoCompany("湖南麓谷印务有限公司", .printing),
                DemoCompany("长沙市开福区政务服务中心", .government),
            ],
            people: ["彭博", "谭雅琴", "曾小兰"], contacts: hunanContacts,
            streets: [
                "长沙市岳麓区麓谷大道 668 号", "长沙市芙蓉区五一大道 389 号", "长沙市雨花区劳动东路 239 号",
                "长沙市开福区湘江中路二段 36 号", "长沙市天心区书院路 9 号", "长沙县星沙街道东六线 88 号",
                "长沙市岳麓区梅溪湖路 181 号", "长沙市雨花区万家丽中路三段 56 号", "长沙市芙蓉区车站北路 459 号",
            ],
            phones: .mainland(area: "0731", leads: "258")),
        DemoCity(
            unitCode: "BR-SC", language: .zhHans,
            companies: [
                DemoCompany("广州天河城百货有限公司", .commercial),
                DemoCompany("广州市越秀区人民政府", .government),
                DemoCompany("广州地铁设计研究院", .office),
                DemoCompany("广州白云国际会议中心", .commercial),
                DemoCompany("广州番禺职业技术学院", .school),
                DemoCompany("广州海珠区妇幼保健院", .hospital),
                DemoCompany("广东华南路桥工程有限公司", .construction),
                DemoCompany("广州黄埔科学城物业公司", .commercial),
                DemoCompany("广州羊城快印有限公司", .printing),
            ],
            people: ["梁家明", "陈美玲", "麦伟强"], contacts: cantonContacts,
            streets: [
                "广州市天河区天河路 208 号", "广州市越秀区环市东路 371 号", "广州市番禺区市良路 1342 号",
                "广州市海珠区新港中路 397 号", "广州市白云区机场路 1962 号", "广州市黄埔区科学大道 18 号",
            ],
            phones: .mainland(area: "020", leads: "38")),
        DemoCity(
            unitCode: "OU-SZX", language: .zhHans,
            companies: [
                DemoCompany("深圳南山科技园管理中心", .government),
                DemoCompany("深圳市宝安区中心医院", .hospital),
                DemoCompany("深圳福田区第二实验学校", .school),
                DemoCompany("深圳海岸城购物中心", .commercial),
                DemoCompany("深圳龙岗区市政工程公司", .construction),
                DemoCompany("深圳前海云帆软件有限公司", .office),
                DemoCompany("深圳罗湖区图书馆", .government),
            ],
            people: ["黄子豪", "林诗雨"], contacts: cantonContacts,
            streets: [
                "深圳市南山区科苑路 15 号", "深圳市宝安区新安街道创业二路 66 号", "深圳市福田区深南大道 6008 号",
                "深圳市罗湖区人民南路 3002 号", "深圳市龙岗区龙翔大道 8033 号", "深圳市南山区后海大道 2388 号",
            ],
            phones: .mainland(area: "0755", leads: "28")),
        DemoCity(
            unitCode: "AG-FS", language: .zhHans,
            companies: [
                DemoCompany("佛山顺德美居家具有限公司", .office),
                DemoCompany("佛山市禅城区人民医院", .hospital),
                DemoCompany("佛山南海建材市场", .commercial),
                DemoCompany("佛山三水路桥工程公司", .construction),
                DemoCompany("佛山顺德容桂职业技术学校", .school),
            ],
            people: ["何志远", "冯丽红"], contacts: cantonContacts,
            streets: [
                "佛山市顺德区大良街道新城路 9 号", "佛山市禅城区季华五路 22 号", "佛山市南海区桂城街道南海大道北 68 号",
                "佛山市三水区西南街道广海大道西 33 号", "佛山市顺德区容桂街道容奇大道 79 号",
            ],
            phones: .mainland(area: "0757", leads: "28")),
        DemoCity(
            unitCode: "AG-TPE", language: .zhHant,
            companies: [
                DemoCompany("臺北市信義區區公所", .government),
                DemoCompany("臺北市立建國醫院", .hospital),
                DemoCompany("內湖科技園區華揚資訊股份有限公司", .office),
                DemoCompany("臺北市松山區圖書館", .government),
                DemoCompany("臺北中正印刷股份有限公司", .printing),
                DemoCompany("敦化商業大樓管理委員會", .commercial),
            ],
            people: ["陳志豪", "劉怡萱"], contacts: taipeiContacts,
            streets: [
                "臺北市信義區松仁路 58 號", "臺北市中山區南京東路二段 125 號", "臺北市大安區復興南路一段 390 號",
                "臺北市內湖區瑞光路 513 巷 22 號", "臺北市中正區重慶南路一段 122 號", "臺北市松山區敦化北路 100 號",
            ],
            phones: .taipei),
        DemoCity(
            unitCode: "BR-MAD", language: .es,
            companies: [
                DemoCompany("Hotel Plaza Mayor Madrid", .commercial),
                DemoCompany("Colegio San José", .school),
                DemoCompany("Hospital Virgen de la Esperanza", .hospital),
                DemoCompany("Construcciones Hermanos Ruiz S.L.", .construction),
                DemoCompany("Gestoría Martínez y Asociados", .office),
                DemoCompany("IES Miguel de Cervantes", .school),
            ],
            people: ["María García López", "José Fernández Ruiz"], contacts: spanishContacts,
            streets: [
                "Calle de Alcalá 215, 28028 Madrid", "Paseo de la Castellana 120, 28046 Madrid",
                "Calle de Bravo Murillo 301, 28020 Madrid", "Calle de Arturo Soria 126, 28043 Madrid",
                "Avenida de la Albufera 153, 28038 Madrid", "Calle de la Princesa 31, 28008 Madrid",
                "Calle Mayor 48, 28013 Madrid",
            ],
            phones: .spain(province: "91")),
        DemoCity(
            unitCode: "OU-VLC", language: .es,
            companies: [
                DemoCompany("IES Politécnico de Valencia", .school),
                DemoCompany("Ferretería Industrial Levante S.A.", .commercial),
                DemoCompany("Clínica Dental Sonrisa", .hospital),
            ],
            people: ["Vicente Ferrer Llopis"], contacts: spanishContacts,
            streets: [
                "Avenida del Puerto 89, 46023 Valencia", "Calle de Colón 32, 46004 Valencia",
                "Avenida de Blasco Ibáñez 55, 46021 Valencia", "Calle de Xàtiva 14, 46002 Valencia",
            ],
            phones: .spain(province: "96")),
        DemoCity(
            unitCode: "AG-BCN", language: .es,
            companies: [
                DemoCompany("Imprenta Balmes S.L.", .printing),
                DemoCompany("Clínica Dental Diagonal", .hospital),
                DemoCompany("Construcciones Vallès S.A.", .construction),
            ],
            people: ["Montserrat Puig Serra"], contacts: spanishContacts,
            streets: [
                "Carrer de Balmes 152, 08008 Barcelona", "Avinguda Diagonal 640, 08017 Barcelona",
                "Carrer de Sants 79, 08014 Barcelona", "Gran Via de les Corts Catalanes 585, 08007 Barcelona",
            ],
            phones: .spain(province: "93")),
    ]

    /// Districts and streets that customer names mention: such a customer is at an address there.
    static let places = [
        "浦东", "静安", "徐汇", "虹桥", "杨浦", "宝山", "嘉定", "工业园区", "姑苏", "吴中", "相城", "高新区", "西溪", "拱墅",
        "未来科技城", "滨江", "萧山", "江北新区", "鼓楼", "秦淮", "河西", "岳麓", "雨花", "星沙", "梅溪湖", "麓谷", "开福", "天河",
        "越秀", "白云", "番禺", "海珠", "黄埔", "南山", "宝安", "福田", "龙岗", "前海", "罗湖", "顺德", "禅城", "南海", "三水",
        "容桂", "信義", "松山", "中正", "內湖", "敦化", "Mayor", "Balmes", "Diagonal",
    ]

    /// The streets of `city` where a customer called `name` may be: those in the place its name mentions, else all.
    static func streets(of city: DemoCity, for name: String) -> [Int] {
        let named = places.filter { name.contains($0) }
        let matching = city.streets.indices.filter { i in named.contains { city.streets[i].contains($0) } }
        return matching.isEmpty ? Array(city.streets.indices) : matching
    }

    /// The language a unit's customers write in.
    public static func language(ofUnit code: String) -> Language {
        cities.first { $0.unitCode == code }?.language ?? .zhHans
    }
}
